#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='list: table, --format json and -q show every container of the state root (runc CLI)'
# shellcheck source=../lib.sh
. ../lib.sh

# two_cts: "$CID-a" created and "$CID-b" running, from one bundle.
two_cts() {
	bundle_new "probe([\"sleep\", \"60\"])" &&
	ct_create "$CID-a" &&
	start_bg "$CID-b"
}

test_expect_success 'list -q prints the ID of every container, one a line' '
	test_when_finished cleanup_ct "$CID-a" "$CID-b" &&
	two_cts &&
	rt list -q >list.out 2>list.err || why "list -q failed: $(first_line_ list.err)" &&
	got=$(sort list.out | tr "\n" " ") &&
	{ test "$got" = "$CID-a $CID-b " || why "list -q printed \"$got\", want \"$CID-a $CID-b\""; }
'

test_expect_success 'list --format json: id, pid, status and bundle of every container' '
	test_when_finished cleanup_ct "$CID-a" "$CID-b" &&
	two_cts &&
	pa=$(state_pid "$CID-a") && pb=$(state_pid "$CID-b") &&
	rt list --format json >list.json 2>list.err || why "list --format json failed: $(first_line_ list.err)" &&
	json_eq list.json "map({id, pid, status, bundle}) | sort_by(.id)" \
		"[{id: \"$CID-a\", pid: $pa, status: \"created\", bundle: \"$BUNDLE\"},
		  {id: \"$CID-b\", pid: $pb, status: \"running\", bundle: \"$BUNDLE\"}]"
'

test_expect_success 'list -f json (short form): created is an RFC 3339 time' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"60\"])" &&
	ct_create &&
	rt list -f json >list.json 2>list.err || why "list -f json failed: $(first_line_ list.err)" &&
	json_expect list.json "length == 1 and (.[0].created | type == \"string\" and test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$\"))" \
		"created is not an RFC 3339 date-time"
'

test_expect_success 'list shows a stopped container as stopped' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	rt list --format json >list.json 2>list.err || why "list failed: $(first_line_ list.err)" &&
	json_eq list.json "map(select(.id == \"$CID\") | .status)" "[\"stopped\"]"
'

test_expect_success 'list with no containers: -q prints nothing, --format json an empty list (or null)' '
	rt list -q >q.out 2>q.err || why "list -q failed: $(first_line_ q.err)" &&
	{ test ! -s q.out || why "list -q printed \"$(head -c 100 q.out)\""; } &&
	rt list --format json >list.json 2>list.err || why "list --format json failed: $(first_line_ list.err)" &&
	json_expect list.json ". == null or . == []" "not an empty list"
'

test_expect_success 'list (table): a header, then one row per container with its ID and status' '
	test_when_finished cleanup_ct "$CID-a" "$CID-b" &&
	two_cts &&
	rt list >list.out 2>list.err || why "list failed: $(first_line_ list.err)" &&
	{ head -n1 list.out | grep -q "^ID *PID *STATUS" || why "header: $(head -n1 list.out)"; } &&
	{ grep -Eq "^$CID-a +[0-9]+ +created " list.out || why "no row \"$CID-a PID created\""; } &&
	{ grep -Eq "^$CID-b +[0-9]+ +running " list.out || why "no row \"$CID-b PID running\""; } &&
	{ test "$(wc -l <list.out)" = 3 || why "$(wc -l <list.out) lines, want a header and 2 rows"; }
'

test_expect_success 'a deleted container leaves the list' '
	test_when_finished cleanup_ct "$CID-a" "$CID-b" &&
	two_cts &&
	rt delete --force "$CID-a" >out 2>err &&
	rt list -q >list.out 2>list.err &&
	got=$(tr "\n" " " <list.out) &&
	{ test "$got" = "$CID-b " || why "list -q after delete printed \"$got\", want \"$CID-b\""; }
'
test_done
