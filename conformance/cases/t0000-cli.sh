#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='runc-style command line: version, features, spec'
# shellcheck source=../lib.sh
. ../lib.sh

test_expect_success '--version exits 0 and prints a version' '
	rt --version >out &&
	test -s out || why "--version printed nothing"
'

test_expect_success 'an unknown command fails non-zero' '
	! rt no-such-command-conform >out 2>err || why "unknown command succeeded"
'

expect_req features.schema
test_expect_success 'features prints JSON per features-schema.json' '
	rt features >features.json 2>err || skip_test "no features command: $(head -c 100 err)"
	json_expect features.json "
		(.ociVersionMin | type == \"string\") and (.ociVersionMax | type == \"string\")
		and ((.hooks // []) | type == \"array\" and all(type == \"string\"))
		and ((.mountOptions // []) | type == \"array\" and all(type == \"string\"))
		and ((.annotations // {}) | type == \"object\" and all(.[]; type == \"string\"))
		and ((.potentiallyUnsafeConfigAnnotations // []) | type == \"array\")
		and ((.linux // {}) | type == \"object\")" "features does not follow features-schema.json"
'
for which in Min Max; do
	expect_req "features.version-${which,,}" features.schema
	test_expect_success "a config with ociVersion = features ociVersion$which runs" '
		rt features >features.json 2>err || skip_test "no features command"
		v=$(jq -r ".ociVersion$which // empty" features.json) &&
		{ [ -n "$v" ] || why "features has no ociVersion$which"; } &&
		bundle_new --arg v "$v" ".ociVersion = \$v" &&
		probe_report
	'
done

expect_req features.version-max
test_expect_success 'features ociVersionMax is not less than ociVersionMin' '
	rt features >features.json 2>err || skip_test "no features command"
	json_expect features.json "
		def v: split(\"-\")[0] | split(\".\") | map(tonumber? // 0);
		(.ociVersionMax | v) >= (.ociVersionMin | v)" "ociVersionMax < ociVersionMin"
'

expect_req features.mount-options
test_expect_success 'every option features lists for a tmpfs mount is accepted' '
	rt features >features.json 2>err || skip_test "no features command"
	opts=$(jq -c "[.mountOptions // [] | .[] | select(test(\"^(r|)(bind|private|shared|slave|unbindable)$|^remount$|idmap$|^tmpcopyup$|^(acl|noacl|mand|nomand)$\") | not)]" features.json) &&
	{ [ "$opts" != "[]" ] || skip_test "features lists no mount options"; } &&
	bundle_new --novalidate --argjson o "$opts" "reduce range(\$o | length) as \$i (.;
		mount_add({destination: \"/mnt/o\(\$i)\", type: \"tmpfs\", source: \"tmpfs\", options: [\$o[\$i]]}))" &&
	probe_report
'
test_done
