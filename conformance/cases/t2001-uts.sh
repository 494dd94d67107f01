#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='hostname and domainname (config.md#hostname, #domainname)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field hostname
test_expect_success 'the process sees the configured hostname' '
	bundle_new "ns_add(\"uts\") | .hostname = \"conform-host\"" &&
	probe_report &&
	report_eq .hostname "\"conform-host\""
'

expect_field domainname
test_expect_success 'the process sees the configured domainname' '
	bundle_new "ns_add(\"uts\") | .domainname = \"conform.test\"" &&
	probe_report &&
	report_eq .domainname "\"conform.test\""
'

expect_field hostname
test_expect_success 'the host hostname is unchanged' '
	before=$(hostname) &&
	bundle_new "ns_add(\"uts\") | .hostname = \"conform-other\"" &&
	probe_report &&
	{ test "$(hostname)" = "$before" || why "host hostname changed to $(hostname)"; }
'
test_done
