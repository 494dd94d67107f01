#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='process.terminal and consoleSize with --console-socket (config.md#process)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field process.terminal
test_expect_success PYTHON3 'terminal true: stdio is a pseudoterminal sent over the console socket' '
	test_when_finished cleanup_ct &&
	bundle_new ".process.terminal = true | .process.args = [\"/bin/sh\", \"-c\",
		\"tty; test -t 0 && test -t 1 && test -t 2 && echo all-tty\"]" &&
	console_listen "$TEST_DIR/console.sock" "$TEST_DIR/console.out" &&
	ct_create "$CID" --console-socket "$TEST_DIR/console.sock" &&
	rt start "$CID" &&
	console_wait &&
	out=$(tr -d "\r" <console.out) &&
	{ echo "$out" | grep -q "^/dev/pts/" || why "tty says: $(echo "$out" | head -n1)"; } &&
	{ echo "$out" | grep -qx all-tty || why "stdin, stdout, stderr are not all terminals"; }
'

expect_field process.consoleSize.height process.consoleSize.width
test_expect_success PYTHON3 'consoleSize sets the terminal size' '
	test_when_finished cleanup_ct &&
	bundle_new ".process.terminal = true | .process.consoleSize = {height: 31, width: 97}
		| .process.args = [\"/bin/stty\", \"size\"]" &&
	console_listen "$TEST_DIR/console.sock" "$TEST_DIR/console.out" &&
	ct_create "$CID" --console-socket "$TEST_DIR/console.sock" &&
	rt start "$CID" &&
	console_wait &&
	out=$(tr -d "\r" <console.out) &&
	{ test "$out" = "31 97" || why "stty size says \"$out\", want \"31 97\""; }
'

expect_field process.terminal
test_expect_success PYTHON3 'terminal true: the terminal is the controlling terminal of a new session' '
	test_when_finished cleanup_ct &&
	bundle_new ".process.terminal = true | .process.args = [\"/bin/sh\", \"-c\", \"echo hi > /dev/tty && echo ctty-ok\"]" &&
	console_listen "$TEST_DIR/console.sock" "$TEST_DIR/console.out" &&
	ct_create "$CID" --console-socket "$TEST_DIR/console.sock" &&
	rt start "$CID" &&
	console_wait &&
	{ tr -d "\r" <console.out | grep -qx ctty-ok || why "/dev/tty is not usable: $(tr -d "\r" <console.out | head -c 200)"; }
'
test_done
