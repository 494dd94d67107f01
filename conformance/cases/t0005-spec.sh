#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='spec: the generated config.json is valid and runs, --bundle and --rootless (runc CLI)'
# shellcheck source=../lib.sh
. ../lib.sh

VALIDATOR=$CONFORM_DIR/validate/oci-validate

# spec_dir NAME: an empty directory $TEST_DIR/NAME the runtime's user owns.
spec_dir() {
	mkdir -p "$TEST_DIR/$1" &&
	{ [ "$RT_UNPRIV" = 0 ] || chown "$RT_UID:$RT_GID" "$TEST_DIR/$1"; }
}

# valid DIR: DIR/config.json passes oci-validate when it is installed (it
# needs DIR/rootfs), else it is a JSON object with the required fields.
valid() {
	json_expect "$1/config.json" "(.ociVersion | type == \"string\") and (.root.path | type == \"string\")
		and (.process.args | type == \"array\" and length > 0)" "not a config with ociVersion, root.path and process.args" || return 1
	[ -x "$VALIDATOR" ] || return 0
	[ -e "$1/rootfs" ] || ln -s "$RT_TEMPLATE/rootfs" "$1/rootfs"
	"$VALIDATOR" "$1" >"$TEST_DIR/validate.out" 2>&1 ||
		why "oci-validate: $(head -n1 "$TEST_DIR/validate.out")"
}

# runs DIR: the generated config, with the fixture rootfs and "/probe report"
# without a terminal, runs; the report in $REPORT.
runs() {
	rm -f "$1/rootfs"
	copy_tree "$RT_TEMPLATE/rootfs" "$1/rootfs" &&
	jq --arg m "CONFORM_TEST=$TEST_MARK" '.process.args = ["/probe", "report"] | .process.terminal = false
		| .process.env += [$m]' "$1/config.json" >"$TEST_DIR/patched.json" &&
	cat "$TEST_DIR/patched.json" >"$1/config.json" &&
	rt run --bundle "$1" "$CID" >"$REPORT" 2>"$TEST_DIR/run.err" ||
		why "run of the generated config failed: $(first_line_ "$TEST_DIR/run.err")"
}

test_expect_success ROOT 'spec writes a valid config.json into the current directory, and it runs' '
	test_when_finished cleanup_ct &&
	spec_dir gen &&
	(cd gen && rt spec) >out 2>err || why "spec failed: $(first_line_ err)" &&
	{ test -s gen/config.json || why "spec wrote no config.json in the current directory"; } &&
	valid gen &&
	runs gen
'

test_expect_success 'spec --bundle DIR writes DIR/config.json' '
	spec_dir gen &&
	rt spec --bundle "$TEST_DIR/gen" >out 2>err || why "spec --bundle failed: $(first_line_ err)" &&
	{ test -s gen/config.json || why "spec --bundle wrote no DIR/config.json"; } &&
	valid gen
'

test_expect_success 'spec -b DIR (short form)' '
	spec_dir gen &&
	rt spec -b "$TEST_DIR/gen" >out 2>err || why "spec -b failed: $(first_line_ err)" &&
	{ test -s gen/config.json || why "spec -b wrote no DIR/config.json"; }
'

test_expect_success 'spec --rootless: a user namespace that maps the caller, and it runs' '
	test_when_finished cleanup_ct &&
	spec_dir gen &&
	rt spec --rootless --bundle "$TEST_DIR/gen" >out 2>err || why "spec --rootless failed: $(first_line_ err)" &&
	valid gen &&
	json_eq gen/config.json "any(.linux.namespaces[]; .type == \"user\")" true \
		"[.linux.uidMappings[] | select(.containerID == 0) | .hostID]" "[$RT_UID]" \
		"[.linux.gidMappings[] | select(.containerID == 0) | .hostID]" "[$RT_GID]" &&
	runs gen &&
	report_eq .uid 0
'

test_expect_success 'spec does not overwrite an existing config.json' '
	spec_dir gen &&
	echo "{\"conform\": \"keep\"}" >gen/config.json &&
	{ ! rt spec --bundle "$TEST_DIR/gen" >out 2>err || why "spec succeeded over an existing config.json"; } &&
	json_eq gen/config.json .conform "\"keep\""
'
test_done
