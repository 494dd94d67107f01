#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='hooks: the six stages, order, state on stdin, args, env, namespaces (config.md#posix-platform-hooks)'
# shellcheck source=../lib.sh
. ../lib.sh

# A hook that saves its stdin (the state) as shared/state-NAME.json and
# appends NAME to shared/order; startContainer runs in the container, where
# the shared directory is mounted at /shared.
HOOKS='def h(n): {path: "/bin/sh", args: ["sh", "-c",
	"cat > \($dir)/shared/state-\(n).json; echo \(n) >> \($dir)/shared/order; readlink /proc/self/ns/mnt > \($dir)/shared/mnt-\(n); echo $CONFORM_HOOK > \($dir)/shared/env-\(n)"],
	env: ["PATH=/usr/bin:/bin", "CONFORM_HOOK=\(n)"], timeout: 10};
def hc(n): {path: "/bin/sh", args: ["sh", "-c",
	"cat > /shared/state-\(n).json; echo \(n) >> /shared/order; readlink /proc/self/ns/mnt > /shared/mnt-\(n); echo $CONFORM_HOOK > /shared/env-\(n)"],
	env: ["PATH=/usr/bin:/bin", "CONFORM_HOOK=\(n)"], timeout: 10};
shared | probe(["sleep", "30"])
| hook("prestart"; h("prestart")) | hook("createRuntime"; h("createRuntime"))
| hook("createContainer"; h("createContainer")) | hook("startContainer"; hc("startContainer"))
| hook("poststart"; h("poststart")) | hook("poststop"; h("poststop"))'

# order_is WORDS: shared/order holds these hook names, in this order
order_is() {
	local got
	got=$(tr "\n" " " <shared/order 2>/dev/null)
	test "$got" = "$1 " || why "hooks ran in this order: \"$got\", want \"$1\""
}

expect_field hooks.prestart hooks.createRuntime hooks.createContainer hooks.startContainer hooks.poststart hooks.poststop
expect_req lifecycle.prestart lifecycle.createRuntime lifecycle.createContainer lifecycle.startContainer lifecycle.poststart lifecycle.poststop features.hooks
test_expect_success 'each stage runs at its step: create, start, delete' '
	test_when_finished cleanup_ct &&
	bundle_new "$HOOKS" &&
	ct_create &&
	order_is "prestart createRuntime createContainer" &&
	rt start "$CID" &&
	order_is "prestart createRuntime createContainer startContainer poststart" &&
	rt kill "$CID" KILL && wait_for_status "$CID" stopped &&
	rt delete "$CID" &&
	order_is "prestart createRuntime createContainer startContainer poststart poststop"
'

for stage in prestart createRuntime createContainer startContainer poststart poststop; do
	case $stage in
	prestart|createRuntime|createContainer) want='["creating", "created"]' ;;
	startContainer) want='["created", "running"]' ;;
	poststart) want='["running"]' ;;
	poststop) want='["stopped"]' ;;
	esac
	expect_field "hooks.$stage" "hooks.$stage.path" "hooks.$stage.args" "hooks.$stage.env" "hooks.$stage.timeout"
	test_expect_success "$stage hook gets its args, env, and the container state on stdin" '
		test_when_finished cleanup_ct &&
		bundle_new "$HOOKS" &&
		start_bg &&
		rt kill "$CID" KILL && wait_for_status "$CID" stopped &&
		rt delete "$CID" &&
		{ test "$(cat shared/env-$stage 2>/dev/null)" = "$stage" || why "the $stage hook did not run with its args and env"; } &&
		state_valid "shared/state-$stage.json" &&
		json_eq "shared/state-$stage.json" .id "\"$CID\"" .bundle "\"$BUNDLE\"" \
			"[.status] | inside($want)" true
	'
done

expect_field hooks.createRuntime
test_expect_success 'hooks of one stage run in the listed order' '
	test_when_finished cleanup_ct &&
	bundle_new "shared | hook(\"createRuntime\"; {path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo one >> \(\$dir)/shared/order\"]})
		| hook(\"createRuntime\"; {path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo two >> \(\$dir)/shared/order\"]})
		| hook(\"createRuntime\"; {path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo three >> \(\$dir)/shared/order\"]})" &&
	ct_create &&
	order_is "one two three"
'

expect_field hooks.createRuntime.args hooks.createRuntime.env
test_expect_success 'a hook gets its args (argv[0] included) and exactly its env' '
	test_when_finished cleanup_ct &&
	bundle_new "hook(\"createRuntime\"; {path: \"/bin/sh\",
		args: [\"conform-argv0\", \"-c\", \"printf \\\"%s|\\\" \\\"\$0\\\" \\\"\$@\\\" > \(\$dir)/shared/args; env > \(\$dir)/shared/env\", \"a0\", \"a1\", \"a 2\"],
		env: [\"CONFORM_HOOK=yes\", \"PATH=/usr/bin:/bin\"]})" &&
	ct_create &&
	{ test "$(<shared/args)" = "a0|a1|a 2|" || why "hook argv: $(<shared/args)"; } &&
	{ grep -qx CONFORM_HOOK=yes shared/env || why "the hook env lacks CONFORM_HOOK=yes"; } &&
	{ ! grep -q "^CONFORM_TEST=" shared/env || why "the runtime'"'"'s environment leaked into the hook"; }
'

expect_field hooks.createRuntime hooks.createContainer hooks.startContainer hooks.poststart hooks.prestart
test_expect_success 'runtime-namespace hooks run in the host mount namespace, container ones in the container'"'"'s' '
	test_when_finished cleanup_ct &&
	bundle_new "$HOOKS" &&
	start_bg &&
	pid=$(state_pid) &&
	cmnt=$(readlink /proc/$pid/ns/mnt) && hmnt=$(readlink /proc/self/ns/mnt) &&
	for s in prestart createRuntime poststart; do
		test "$(<shared/mnt-$s)" = "$hmnt" || { why "$s ran in mount namespace $(<shared/mnt-$s), not the runtime'"'"'s $hmnt"; break; }
	done &&
	for s in createContainer startContainer; do
		test "$(<shared/mnt-$s)" = "$cmnt" || { why "$s ran in mount namespace $(<shared/mnt-$s), not the container'"'"'s $cmnt"; break; }
	done
'

expect_field hooks.createRuntime.timeout
test_expect_success 'a hook that outlives its timeout is aborted and fails create' '
	bundle_new "hook(\"createRuntime\"; {path: \"/bin/sleep\", args: [\"sleep\", \"30\"], timeout: 1})" &&
	t0=$(date +%s) &&
	{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>err || why "create succeeded"; } &&
	{ test $(( $(date +%s) - t0 )) -lt 8 || why "create took $(( $(date +%s) - t0 ))s with a 1s hook timeout"; } &&
	nothing_left
'

expect_field hooks.poststop.timeout
test_expect_success 'the hook timeout field is accepted on every stage' '
	test_when_finished cleanup_ct &&
	bundle_new "shared | hook(\"poststop\"; {path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo ok > \(\$dir)/shared/ok\"], timeout: 5})
		| hook(\"poststart\"; {path: \"/bin/true\", timeout: 5}) | hook(\"createContainer\"; {path: \"/bin/true\", timeout: 5})
		| hook(\"startContainer\"; {path: \"/bin/true\", timeout: 5}) | hook(\"prestart\"; {path: \"/bin/true\", timeout: 5})
		| probe([\"exit\", \"0\"])" &&
	start_bg && wait_for_status "$CID" stopped && rt delete "$CID" &&
	{ test -f shared/ok || why "poststop did not run"; }
'
test_done
