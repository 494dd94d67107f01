#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='invalid configs from fixtures/invalid: the runtime and oci-validate refuse each (config.md, bundle.md)'
# shellcheck source=../lib.sh
. ../lib.sh

FIXTURES=${CONFORM_FIXTURES:-$CONFORM_DIR/../fixtures}

# The fixtures README's table, read once with builtins: for each file what
# is wrong (WRONG) and the JSON path it is wrong at without array indices
# (WRONG_AT: the field whose declared verdict applies; a runtime that
# ignores that field must run the config instead).
declare -A WRONG=() WRONG_AT=()
while IFS='|' read -r _ file what path _; do
	file=${file//[\` ]/}
	[[ $file == *.json ]] && [ -z "${WRONG[$file]+set}" ] || continue
	what=${what#"${what%%[! ]*}"}
	what=${what%"${what##*[! ]}"}
	WRONG[$file]=${what//\`/}
	at=''
	if [[ $path =~ \`([][a-zA-Z.0-9]*)\` ]]; then
		at=${BASH_REMATCH[1]}
		while [[ $at =~ ^(.*)\[[0-9]*\](.*)$ ]]; do
			at=${BASH_REMATCH[1]}${BASH_REMATCH[2]}
		done
	fi
	WRONG_AT[$file]=$at
done <"$FIXTURES/README.md"

for f in "$FIXTURES"/invalid/*.json; do
	[ -e "$f" ] || continue
	name=${f##*/}
	wrong=${WRONG[$name]:-} wrong_at=${WRONG_AT[$name]:-}
	name=${name%.json}
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
