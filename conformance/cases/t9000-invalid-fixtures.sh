#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='invalid configs from fixtures/invalid: the runtime and oci-validate refuse each (config.md, bundle.md)'
# shellcheck source=../lib.sh
. ../lib.sh

FIXTURES=${CONFORM_FIXTURES:-$CONFORM_DIR/../fixtures}

for f in "$FIXTURES"/invalid/*.json; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .json)
	# what is wrong, from the fixtures README table
	wrong=$(awk -F'|' -v n="\`$name.json\`" '$2 ~ n { gsub(/^ +| +$/, "", $3); print $3 }' "$FIXTURES/README.md" | tr -d '`')
	# the JSON path it is wrong at, without array indices: the field whose
	# declared verdict applies (a runtime that ignores it must run instead)
	wrong_at=$(awk -F'|' -v n="\`$name.json\`" '$2 ~ n { print $4 }' "$FIXTURES/README.md" |
		grep -o '`[][a-zA-Z.0-9]*`' | head -n1 | tr -d '`' | sed 's/\[[0-9]*\]//g')
	[ -z "$wrong_at" ] || expect_field "$wrong_at"
	expect_req lifecycle.create-error create.cannot-apply errors.no-effect
	test_expect_success "the runtime refuses $name.json${wrong:+ ($wrong)}" '
		bundle_new --novalidate &&
		jq --arg oci "$RT_OCI" "if type == \"object\" and .ociVersion and .ociVersion != \"2.0.0\" then .ociVersion = \$oci else . end" \
			"$f" >"$BUNDLE/config.json" 2>/dev/null || cp "$f" "$BUNDLE/config.json"
		rt create --bundle "$BUNDLE" "$CID" >out 2>err
		rc=$?
		if [ "$rc" = 0 ]; then rt_raw_ delete --force "$CID" >/dev/null 2>&1; why "create accepted it"; return 1; fi
		no_crash "$rc" &&
		nothing_left
	'
done
test_done
