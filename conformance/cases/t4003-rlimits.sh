#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='process.rlimits (config.md#posix-process)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field process.rlimits.type process.rlimits.soft process.rlimits.hard
test_expect_success 'rlimits are set (soft and hard)' '
	bundle_new ".process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: 100, hard: 200},
		{type: \"RLIMIT_CORE\", soft: 0, hard: 4096}, {type: \"RLIMIT_NPROC\", soft: 300, hard: 400}]" &&
	probe_report &&
	report_eq ".rlimits.RLIMIT_NOFILE" "{\"soft\":100,\"hard\":200}" \
		".rlimits.RLIMIT_CORE" "{\"soft\":0,\"hard\":4096}" \
		".rlimits.RLIMIT_NPROC" "{\"soft\":300,\"hard\":400}"
'

expect_field process.rlimits.hard
test_expect_success 'an infinite limit (2^64-1)' '
	bundle_new --novalidate ".process.rlimits = [{type: \"RLIMIT_STACK\", soft: 8388608, hard: \"UINT64_MAX\"}]" &&
	sed -i "s/\"UINT64_MAX\"/18446744073709551615/" "$BUNDLE/config.json" &&
	probe_report &&
	report_eq ".rlimits.RLIMIT_STACK" "{\"soft\":8388608,\"hard\":-1}"
'

# type soft hard: values a process can live with, and not above this host's
# hard limits (root here may lack CAP_SYS_RESOURCE to raise them).
while read -r t soft hard; do
	expect_field "process.rlimits.type=$t"
	test_expect_success "rlimit $t" '
		bundle_new --novalidate --arg t "$t" --argjson s "$soft" --argjson h "$hard" \
			".process.rlimits = [{type: \$t, soft: \$s, hard: \$h}]" &&
		probe_report &&
		report_eq ".rlimits.$t" "{\"soft\":$soft,\"hard\":$hard}"
	'
done <<'EOF'
RLIMIT_AS 1073741824 2147483648
RLIMIT_CPU 100 200
RLIMIT_DATA 1073741824 2147483648
RLIMIT_FSIZE 1073741824 2147483648
RLIMIT_LOCKS 100 200
RLIMIT_MEMLOCK 65536 131072
RLIMIT_MSGQUEUE 8192 16384
RLIMIT_NICE 0 0
RLIMIT_RSS 1073741824 2147483648
RLIMIT_RTPRIO 0 0
RLIMIT_RTTIME 1000000 2000000
RLIMIT_SIGPENDING 100 200
EOF

expect_field process.rlimits.type
test_expect_success 'an unknown rlimit type is an error (MUST)' '
	bundle_new --novalidate ".process.rlimits = [{type: \"RLIMIT_CONFORM\", soft: 1, hard: 1}]" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded"; } &&
	nothing_left
'

expect_field process.rlimits.type
test_expect_success 'a duplicated rlimit type is an error (MUST)' '
	bundle_new --novalidate ".process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: 1, hard: 1}, {type: \"RLIMIT_NOFILE\", soft: 2, hard: 2}]" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded"; } &&
	nothing_left
'

expect_field process.rlimits.soft
test_expect_success 'soft above hard is an error' '
	bundle_new --novalidate ".process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: 300, hard: 200}]" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded"; } &&
	nothing_left
'
test_done
