// SPDX-License-Identifier: MIT

package main

import (
	"fmt"
	"os"

	"github.com/itchyny/gojq/cli"
)

// runJq runs gojq's command line with the given arguments and outputs, and
// returns its exit status. gojq's cli reads os.Args and the os.Std* files,
// so the server swaps them for the call (it serves one request at a time).
func runJq(args []string, out, errOut *os.File) (rc int) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		return 125
	}
	defer null.Close()
	stdin, stdout, stderr, argv := os.Stdin, os.Stdout, os.Stderr, os.Args
	defer func() {
		os.Stdin, os.Stdout, os.Stderr, os.Args = stdin, stdout, stderr, argv
		if r := recover(); r != nil {
			fmt.Fprintf(errOut, "conform-helper: jq: %v\n", r)
			rc = 5
		}
	}()
	os.Stdin, os.Stdout, os.Stderr = null, out, errOut
	os.Args = append([]string{"gojq"}, args...)
	return cli.Run()
}
