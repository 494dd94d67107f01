#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='platform sections for other systems (config.md#platform-specific-configuration): not Linux'
# shellcheck source=../lib.sh
. ../lib.sh

for f in windows solaris vm zos freebsd process.commandLine process.user.username; do
	expect_field "$f"
	test_expect_success "$f: not Linux" '
		skip_test "not Linux: $f applies to another platform"
	'
done
test_done
