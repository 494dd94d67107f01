#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='the bundle validator (runtime-tools, conformance/validate/oci-validate) on the fixtures'
# shellcheck source=../lib.sh
. ../lib.sh

FIXTURES=${CONFORM_FIXTURES:-$CONFORM_DIR/../fixtures}
VALIDATOR=$CONFORM_DIR/validate/oci-validate
[ -x "$VALIDATOR" ] && test_set_prereq VALIDATOR

for base in config config-rootless; do
	test_expect_success VALIDATOR "oci-validate accepts fixtures/base/$base.json" '
		mkdir -p b && cp "$FIXTURES/base/$base.json" b/config.json && mkdir -p b/rootfs &&
		"$VALIDATOR" b >out 2>err || why "oci-validate: $(head -n1 err)"
	'
done

for f in "$FIXTURES"/invalid/*.json; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .json)
	test_expect_success VALIDATOR "oci-validate refuses fixtures/invalid/$name.json" '
		mkdir -p b/rootfs && cp "$f" b/config.json &&
		{ ! "$VALIDATOR" b >out 2>err || why "oci-validate accepted it"; }
	'
done
test_done
