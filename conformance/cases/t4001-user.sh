#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='process.user: uid, gid, additionalGids, umask (config.md#user)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field process.user.uid process.user.gid
test_expect_success ROOT 'the process runs as uid and gid' '
	bundle_new ".process.user.uid = 1000 | .process.user.gid = 1000" &&
	probe_report &&
	report_eq "[.uid, .euid, .gid, .egid]" "[1000,1000,1000,1000]"
'

expect_field process.user.uid process.user.gid
test_expect_success 'uid 0 and gid 0 in the container' '
	bundle_new ".process.user.uid = 0 | .process.user.gid = 0" &&
	probe_report &&
	report_eq "[.uid, .euid, .gid, .egid]" "[0,0,0,0]"
'

expect_field process.user.additionalGids
test_expect_success ROOT 'additionalGids are the supplementary groups' '
	bundle_new ".process.user.uid = 1000 | .process.user.gid = 1000 | .process.user.additionalGids = [10, 20]" &&
	probe_report &&
	report_expect "(.groups | index(10) != null) and (.groups | index(20) != null) and ([.groups[] | select(. != 10 and . != 20 and . != 1000)] == [])" \
		"groups are not [10, 20] (+1000)"
'

expect_field process.user.additionalGids
test_expect_success ROOT 'without additionalGids the runtime'"'"'s groups do not leak' '
	bundle_new ".process.user.uid = 1000 | .process.user.gid = 1000 | del(.process.user.additionalGids)" &&
	probe_report &&
	report_expect "[.groups[] | select(. != 1000)] == []" "unexpected supplementary groups"
'

expect_field process.user.umask
test_expect_success 'umask is process.user.umask' '
	bundle_new ".process.user.umask = 63" &&
	probe_report &&
	report_eq .umask 63
'

expect_field process.user.umask
test_expect_success 'without umask the caller'"'"'s umask is kept (should)' '
	bundle_new "del(.process.user.umask)" &&
	(umask 0027 && probe_report) &&
	report_eq .umask 23
'

expect_field process.user.uid
test_expect_success 'uid 4294967295 (-1) never runs the process as root' '
	bundle_new --novalidate ".process.user.uid = 4294967295 | .process.user.gid = 4294967295" &&
	if rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>err; then
		report_expect ".uid != 0 and .euid != 0" "uid -1 ran the process as root"
	else
		nothing_left
	fi
'
test_done
