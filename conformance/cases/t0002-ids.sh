#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='container IDs: invalid ones are refused, nothing is created (runtime.md#create)'
# shellcheck source=../lib.sh
. ../lib.sh

# bad_id NAME ID: create with ID must fail and create nothing anywhere,
# in particular nothing next to the state root (the ../ cases).
bad_id() {
	local name=$1 id=$2
	expect_req create.id-invalid errors.no-effect
	test_expect_success "an invalid ID is refused: $name" '
		bundle_new &&
		bad=$(printf "%b" "'"$id"'") &&
		mkdir -p "$TEST_STATE" &&
		before=$(find "$TEST_DIR" -path "$BUNDLE" -prune -o -print | sort) &&
		if rt create --bundle "$BUNDLE" "$bad" >out 2>&1; then
			rt_raw_ delete --force "$bad" >/dev/null 2>&1
			why "create accepted the ID"
			return 1
		fi &&
		after=$(find "$TEST_DIR" -path "$BUNDLE" -prune -o -print | grep -v "/\.[a-z]*$" | sort) &&
		{ test -z "$(comm -13 <(echo "$before") <(echo "$after") | grep -v "^$TEST_DIR/out$")" ||
			why "create left files: $(comm -13 <(echo "$before") <(echo "$after") | tr "\n" " ")"; } &&
		nothing_left "$bad"
	'
}

bad_id 'empty' ''
bad_id '"."' '.'
bad_id '".."' '..'
bad_id 'with a slash' 'a/b'
bad_id 'escaping the state root (../x)' '../cf-escape'
bad_id 'absolute path' '/tmp/cf-escape'
bad_id 'with a newline' 'a\nb'
bad_id 'with a control character' 'a\001b'
bad_id 'with a space' 'a b'

test_expect_success 'a 1000-character ID works fully or is refused cleanly' '
	bundle_new "probe([\"exit\", \"0\"])" &&
	long=$(printf "%01000d" 0 | tr 0 a) &&
	if rt create --bundle "$BUNDLE" "$long" >out 2>&1; then
		json_eq <(rt state "$long") .id "\"$long\"" &&
		rt delete --force "$long"
	fi &&
	nothing_left "$long"
'

test_expect_success 'IDs made of letters, digits, "_", "+", "-" and "." work' '
	bundle_new "probe([\"exit\", \"0\"])" &&
	id="$CID-A_b+c.9" &&
	ct_create "$id" &&
	json_eq <(rt state "$id") .id "\"$id\"" &&
	rt delete --force "$id" &&
	nothing_left "$id"
'
test_done
