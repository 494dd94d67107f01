#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='root: path and readonly (config.md#root)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field root.path
test_expect_success 'root.path relative to the bundle is the root' '
	bundle_new "probe([\"cat\", \"/marker\"]) | .root.path = \"rootfs\"" &&
	echo "$CID" >"$BUNDLE/rootfs/marker" &&
	probe_report &&
	{ test "$(<"$REPORT")" = "$CID" || why "/marker reads \"$(head -c 100 "$REPORT")\""; }
'

expect_field root.path
test_expect_success 'an absolute root.path outside the bundle is the root' '
	bundle_new --novalidate --arg r "$TEST_DIR/elsewhere" "probe([\"cat\", \"/marker\"]) | .root.path = \$r" &&
	mv "$BUNDLE/rootfs" "$TEST_DIR/elsewhere" &&
	echo "$CID" >"$TEST_DIR/elsewhere/marker" &&
	probe_report &&
	{ test "$(<"$REPORT")" = "$CID" || why "/marker reads \"$(head -c 100 "$REPORT")\""; }
'

expect_field root.path
test_expect_success 'a relative root.path with .. is resolved against the bundle' '
	bundle_new --novalidate "probe([\"cat\", \"/marker\"]) | .root.path = \"../elsewhere\"" &&
	mv "$BUNDLE/rootfs" "$TEST_DIR/elsewhere" &&
	echo "$CID" >"$TEST_DIR/elsewhere/marker" &&
	probe_report &&
	{ test "$(<"$REPORT")" = "$CID" || why "/marker reads \"$(head -c 100 "$REPORT")\""; }
'

expect_field root.readonly
test_expect_success 'root.readonly true: / is mounted read-only' '
	bundle_new ".root.readonly = true | probe([\"report\", \"--path\", \"/\"])" &&
	probe_report &&
	report_expect "([.mounts[] | select(.target == \"/\")] | last | .options | split(\",\") | index(\"ro\")) != null" "/ is not mounted ro" &&
	report_eq ".paths[\"/\"].writable" false
'

expect_field root.readonly
test_expect_success 'root.readonly false: / is writable' '
	bundle_new ".root.readonly = false | probe([\"write\", \"/written\", \"x\"])" &&
	probe_report &&
	{ test -f "$BUNDLE/rootfs/written" || why "/written did not reach the rootfs"; }
'

expect_field root.readonly
test_expect_success 'root.readonly absent means writable' '
	bundle_new "del(.root.readonly) | probe([\"write\", \"/written\", \"x\"])" &&
	probe_report &&
	{ test -f "$BUNDLE/rootfs/written" || why "/written did not reach the rootfs"; }
'
test_done
