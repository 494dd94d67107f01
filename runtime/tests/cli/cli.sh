#!/bin/bash
# urun's command line: options, usage errors and the commands the conformance
# suite does not drive (spec, ps, pause/resume, list's table, exec's options,
# run's signal forwarding, --no-pivot, --log-format json). TAP on stdout.
# Usage: cli.sh URUN [ROOTFS]  (the container part needs root and ROOTFS)
set -u
URUN=$(realpath "$1")
ROOTFS=${2:+$(realpath "$2")}
T=$(mktemp -d /tmp/urun-cli-XXXXXX)
ST=$T/state
ID=cli-$$
n=0 failed=0
cleanup() {
	for c in "$ID" "$ID-run" "$ID-np"; do
		"$URUN" --root "$ST" delete -f "$c" >/dev/null 2>&1
	done
	[ -d "$T/ustate" ] && "$URUN" --root "$T/ustate" delete -f "$ID-u" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -s "$T/out" ] && sed 's/^/#   out: /' "$T/out"
	[ -s "$T/err" ] && sed 's/^/#   err: /' "$T/err"
	return 0
}
# u CMD...: the runtime with this test's --root ($AS: the user to run it as),
# output in $T/out, $T/err
AS=
u() { $AS "$URUN" --root "$ST" "$@" >"$T/out" 2>"$T/err"; }
# pass DESC CMD...: CMD succeeds
pass() {
	local d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# refused DESC TEXT CMD...: CMD (a urun call) fails, its stderr names TEXT
refused() {
	local d=$1 want=$2; shift 2
	if u "$@"; then
		not_ok "$d (it succeeded)"
	elif ! grep -qF -- "$want" "$T/err"; then
		not_ok "$d (stderr lacks '$want')"
	else
		ok "$d"
	fi
}
has() { grep -qF -- "$1" "$T/out"; }
# wait_stopped ID: its status turns "stopped" within 5 s
wait_stopped() {
	for _ in $(seq 50); do
		u state "$1" && jqo '.status == "stopped"' && return 0
		sleep 0.1
	done
	return 1
}
jqo() { jq -e "$1" "$T/out" >/dev/null; }

# --- global options --------------------------------------------------------
pass 'urun --help lists every command' eval 'u --help && has "urun exec" && has "urun spec"'
pass 'urun --version names the spec version' eval 'u --version && has "spec: 1."'
refused 'no command' 'no command given' --debug
refused 'an unknown command is named' "unknown command 'frobnicate'" frobnicate
refused 'an unknown global option' 'bad global option' --frobnicate list
refused '--log-format other than text or json' "--log-format: 'yaml'" --log-format yaml list
refused '--rootless other than auto, true or false' "--rootless: 'maybe'" --rootless maybe list
refused '--log in a directory that does not exist' "--log '$T/none/log'" \
	--log "$T/none/log" list
pass 'runc-compatible globals are accepted (--systemd-cgroup --criu --rootless)' \
	u --systemd-cgroup --criu /x --rootless false --debug list
pass '--log-format json without --log: the error is a JSON line on stderr' eval \
	'! u --log-format json state nosuch &&
	 jq -e "select(.level == \"error\" and (.msg | test(\"nosuch\"))) | .time" "$T/err" >/dev/null'
pass '--log-format json --log FILE: the error goes to both, the file as JSON' eval \
	'! u --log "$T/log.json" --log-format json state nosuch2 &&
	 grep -q "^urun: .*nosuch2" "$T/err" &&
	 jq -e "select(.level == \"error\" and (.msg | test(\"nosuch2\")))" "$T/log.json" >/dev/null'
pass '--log FILE in text: a warning goes to the file only' eval \
	'u --log "$T/log.txt" update -r /dev/null --memory 1 nosuch3;
	 grep -q "^warning: --memory: ignored" "$T/log.txt" && ! grep -q warning "$T/err"'
pass 'output errors count: state > /dev/full fails' eval \
	'! "$URUN" --root "$ST" list -f json >/dev/full 2>"$T/err" &&
	 grep -q "write standard output" "$T/err"'

# --- usage errors ------------------------------------------------------------
refused 'features takes no argument' 'usage: urun features' features extra
refused 'spec: unknown option' 'usage: urun spec' spec --frobnicate
refused 'list: bad format' 'usage: urun list' list -f yaml
refused 'list: an argument' 'usage: urun list' list extra
refused 'ps: bad format' 'usage: urun ps' ps -f yaml x
refused 'ps: no id' 'usage: urun ps' ps
refused 'ps of a container that does not exist' "'nosuch' does not exist" ps nosuch
refused 'pause: no id' 'usage: urun pause' pause
refused 'pause of a container that does not exist' "'nosuch' does not exist" pause nosuch
refused 'resume of a container that does not exist' "'nosuch' does not exist" resume nosuch
refused 'start: two ids' 'usage: urun start' start a b
refused 'delete: unknown option' 'usage: urun delete' delete -x a
refused 'kill: unknown option' 'usage: urun kill' kill -x a
refused 'create: --preserve-fds not a count' "--preserve-fds: 'x' is not a count" \
	create --preserve-fds x a
refused 'create: -d is for run only' 'usage: urun create' create -d a
refused 'create: --keep is for run only' 'usage: urun create' create --keep a
refused 'create: unknown option' 'usage: urun create' create --frobnicate a
refused 'update: unknown option' 'usage: urun update' update --frobnicate a
refused 'exec: unknown option' 'usage: urun exec' exec --frobnicate a true
refused 'exec: no command' 'usage: urun exec' exec a
refused 'exec: --preserve-fds not a count' '--preserve-fds: not a count' \
	exec --preserve-fds -1 a true
refused 'exec: a bad id' "container id '../a'" exec ../a true
refused 'exec in a container that does not exist' "'nosuch' does not exist" exec nosuch true
echo '{"args": [' >"$T/bad.json"
refused 'exec: --process file that does not parse: line named' "--process '$T/bad.json': line" \
	exec -p "$T/bad.json" a
refused 'checkpoint is not supported' 'CRIU' checkpoint a
refused 'restore is not supported' 'CRIU' restore a

# exec's own checks before it looks at the container: a state dir with only
# a config.json is enough for the default process.
mkdir -p "$ST/fake" && echo '{"process":{"args":["sh"],"env":["A=1"]}}' >"$ST/fake/config.json"
refused 'exec -u: not UID[:GID]' "--user: 'x:1' is not UID[:GID]" exec -u x:1 fake true
refused 'exec -u: a bad gid' "--user: '1:y'" exec -u 1:y fake true
rm -rf "$ST/fake"

# --- spec ------------------------------------------------------------------------
mkdir "$T/b1" "$T/b2"
pass 'spec writes a root config: six namespaces, no user namespace, readonly /sys' eval \
	'(cd "$T/b1" && u spec) && cp "$T/b1/config.json" "$T/out" &&
	 jqo "(.linux.namespaces | length) == 6 and all(.linux.namespaces[]; .type != \"user\")" &&
	 jqo ".mounts[] | select(.destination == \"/sys\") | .options | index(\"ro\")"'
refused 'spec does not overwrite a config.json' "spec: create '$T/b1/config.json'" spec -b "$T/b1"
pass 'spec --rootless: a user namespace mapping our ids, no cgroup mount' eval \
	'u spec --rootless -b "$T/b2" && cp "$T/b2/config.json" "$T/out" &&
	 jqo "any(.linux.namespaces[]; .type == \"user\")" &&
	 jqo ".linux.uidMappings == [{\"containerID\": 0, \"hostID\": $(id -u), \"size\": 1}]" &&
	 jqo ".linux.gidMappings[0].hostID == $(id -g)" &&
	 jqo "all(.mounts[]; .type != \"cgroup\")"'
if [ -x "${VALIDATE:-}" ]; then
	pass 'spec and spec --rootless pass the runtime-tools validator' eval \
		'mkdir "$T/b1/rootfs" "$T/b2/rootfs" &&
		 "$VALIDATE" "$T/b1" >"$T/out" 2>&1 && "$VALIDATE" "$T/b2" >"$T/out" 2>&1'
fi

# --- a container: list, ps, pause, resume, exec's options --------------------------
if [ "$(id -u)" != 0 ] || [ -z "$ROOTFS" ] || [ ! -x "$ROOTFS/bin/sh" ]; then
	echo "# skip the container tests: they need root and a rootfs"
	echo "1..$n"
	exit $((failed > 0))
fi
B=$T/bundle
mkdir "$B"
(cd "$B" && "$URUN" spec) && jq --arg r "$ROOTFS" --arg cg "/urun-cli/$ID" \
	'.root = {path: $r, readonly: true} | .process.terminal = false |
	 .process.args = ["sleep", "1000"] | .linux.cgroupsPath = $cg' \
	"$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"

pass 'run -d --no-pivot --no-new-keyring: running' eval \
	'u run -d --no-pivot --no-new-keyring -b "$B" "$ID" && u state "$ID" &&
	 jqo ".status == \"running\""'
pid=$(jq .pid "$T/out")
pass 'list: the table has the container, its pid, status, bundle and owner' eval \
	'u list && grep -qE "^$ID +$pid +running +$B .* root\$" "$T/out"'
pass 'list -q: ids only' eval 'u list -q && [ "$(cat "$T/out")" = "$ID" ]'
pass 'ps: a table of the container pids' eval \
	'u ps "$ID" && head -1 "$T/out" | grep -qx PID && grep -qx "$pid" "$T/out"'
pass 'ps -f json: a JSON array with the init' eval \
	'u ps -f json "$ID" && jqo "index($pid) != null"'
refused 'resume of a running container' "'$ID' is running" resume "$ID"
frozen() {
	grep -qx FROZEN "/sys/fs/cgroup/freezer/urun-cli/$ID/freezer.state" 2>/dev/null ||
		grep -qx 1 "/sys/fs/cgroup/urun-cli/$ID/cgroup.freeze" 2>/dev/null
}
pass 'pause: paused, the cgroup frozen' eval \
	'u pause "$ID" && u state "$ID" && jqo ".status == \"paused\"" && frozen'
refused 'pause of a paused container' "'$ID' is paused" pause "$ID"
pass 'resume: running again, thawed' eval \
	'u resume "$ID" && u state "$ID" && jqo ".status == \"running\"" && ! frozen'

pass 'exec: -e, --cwd, -u UID:GID, --no-new-privs reach the process' eval \
	'u exec -e CLI=yes --cwd /tmp -u 7:8 --no-new-privs "$ID" \
		sh -c "echo \$CLI \$(pwd) \$(id -u) \$(id -g); grep NoNewPrivs /proc/self/status" &&
	 grep -qx "yes /tmp 7 8" "$T/out" && grep -q "NoNewPrivs:.*1" "$T/out"'
pass 'exec: the exit status is the process'"'"'s' eval \
	'u exec "$ID" sh -c "exit 7"; [ $? = 7 ]'
pass 'exec: a signal death is 128+N' eval \
	'u exec "$ID" sh -c "kill -TERM \$\$"; [ $? = 143 ]'
echo '{"args":["sh","-c","echo from-file $X"],"env":["X=42"],"cwd":"/",
	"user":{"uid":0,"gid":0}}' >"$T/proc.json"
pass 'exec -p: the process comes from the file' eval \
	'u exec -p "$T/proc.json" "$ID" && grep -qx "from-file 42" "$T/out"'
pass 'exec -d --pid-file: detached, the pid file names the process' eval \
	'u exec -d --pid-file "$T/exec.pid" "$ID" sleep 5 &&
	 p=$(cat "$T/exec.pid") && [ "$p" -gt 0 ] && grep -q sleep /proc/$p/cmdline'
pass 'exec --pid-file relative to the current directory' eval \
	'(cd "$T" && "$URUN" --root "$ST" exec --pid-file rel.pid "$ID" true) && [ -s "$T/rel.pid" ]'
refused 'exec --pid-file in a directory that does not exist' "--pid-file: open directory '$T/none'" \
	exec --pid-file "$T/none/pid" "$ID" true
refused 'exec -t without --console-socket' '--tty needs --console-socket' exec -t "$ID" true
refused 'exec: a command not in PATH' "exec 'no-such-cmd': not found in PATH" \
	exec "$ID" no-such-cmd
refused 'exec: an absolute path that does not exist' "exec '/no/such'" exec "$ID" /no/such
echo '{"args": [1], "cwd": "/"}' >"$T/badproc.json"
refused 'exec: a bad process (args not an array of strings)' "exec: process.args: expected an array of strings" \
	exec -p "$T/badproc.json" "$ID"
pass 'exec --preserve-fds 1: fd 3 reaches the process' eval \
	'u exec --preserve-fds 1 "$ID" sh -c "readlink /proc/self/fd/3" 3<"$T/proc.json" &&
	 grep -q "proc.json" "$T/out"'

pass 'kill with a signal name: stopped' eval \
	'u kill "$ID" KILL && wait_stopped "$ID"'
pass 'ps of a stopped container: no pids' eval 'u ps -f json "$ID" && jqo ". == [] or . == null"'
refused 'exec in a stopped container' "cannot exec in container '$ID': it is stopped" \
	exec "$ID" true
refused 'pause of a stopped container' "'$ID' is stopped" pause "$ID"
pass 'delete' u delete "$ID"

# run in the foreground forwards signals to the container (an init ignores a
# signal it has no handler for: the trap is the proof it arrived)
jq '.process.args = ["sh", "-c", "trap \"exit 42\" TERM; while :; do sleep 0.1; done"]' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
"$URUN" --root "$ST" run -b "$B" "$ID-run" >"$T/out" 2>"$T/err" &
runpid=$!
for i in $(seq 100); do
	u state "$ID-run" && jqo '.status == "running"' && break
	sleep 0.1
done
kill -TERM "$runpid"
# a forward that never arrives must fail the test, not hang it
(sleep 20 && kill -KILL "$runpid") 2>/dev/null &
watchdog=$!
wait "$runpid"
rc=$?
kill "$watchdog" 2>/dev/null
pass 'run: SIGTERM is forwarded, the status is the container'"'"'s, the container is gone' eval \
	'[ "$rc" = 42 ] && ! u state "$ID-run"'
pass 'run --keep: the stopped container stays' eval \
	'jq ".process.args = [\"true\"]" "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json" &&
	 u run --keep -b "$B" "$ID-np" && u state "$ID-np" && jqo ".status == \"stopped\"" &&
	 u delete "$ID-np"'

# --- an unprivileged container: no cgroup, so ps reads its pid namespace,
# pause has nothing to freeze, kill --all signals what ps finds ---------------
if id urun-test >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	chmod 755 "$T"
	mkdir -m 777 "$T/ub" "$T/uhome"
	mkdir "$T/ustate" && chown urun-test: "$T/ustate"
	AS="setpriv --reuid=urun-test --regid=urun-test --init-groups env -i HOME=$T/uhome
		XDG_RUNTIME_DIR=$T/uhome PATH=$PATH"
	ST=$T/ustate
	(cd "$T/ub" && $AS "$URUN" spec --rootless) &&
		jq --arg r "$ROOTFS" '.root = {path: $r, readonly: true} |
			.process.terminal = false | .process.args = ["sleep", "1000"]' \
			"$T/ub/config.json" >"$T/ub.json" && cat "$T/ub.json" >"$T/ub/config.json"
	pass 'unprivileged: run -d, the container runs with no cgroup' eval \
		'u run -d -b "$T/ub" "$ID-u" && u state "$ID-u" && jqo ".status == \"running\""'
	upid=$(jq .pid "$T/out")
	pass 'unprivileged ps: the pids of its pid namespace, the init among them' eval \
		'u ps -f json "$ID-u" && jqo "index($upid) != null"'
	refused 'unprivileged pause: no cgroup to freeze' "'$ID-u' has no cgroup to freeze" \
		pause "$ID-u"
	pass 'unprivileged kill --all: every process of the pid namespace, stopped' eval \
		'u kill --all "$ID-u" KILL && wait_stopped "$ID-u"'
	refused 'kill of a stopped container' "'$ID-u' is stopped" kill "$ID-u" TERM
	pass 'unprivileged delete' u delete "$ID-u"
	AS=
fi

echo "1..$n"
exit $((failed > 0))
