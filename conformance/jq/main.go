// SPDX-License-Identifier: MIT
//
// conform-jq: gojq's command line served over a FIFO, so that a case
// script's jq call costs two small file writes instead of a process. On
// small VMs process creation is the suite's main cost, and the cases call
// jq about a thousand times per runtime. lib.sh starts one server per case
// script and falls back to running jq when the server is absent.
//
// Usage: conform-jq FIFO
//
// The server makes FIFO and reads request paths from it, one per line. A
// request file holds NUL-terminated fields: working directory, stdout
// path, stderr path, then jq's arguments. The server runs them as gojq
// would (stdin is /dev/null), writes the two outputs, then the exit status
// to REQUEST.rc (renamed into place, so that its existence means done).
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/itchyny/gojq/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: conform-jq FIFO")
		os.Exit(2)
	}
	// end with the script that started us, however it ends
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG,
		uintptr(syscall.SIGKILL), 0); errno != 0 || os.Getppid() == 1 {
		os.Exit(1)
	}
	fifo := os.Args[1]
	if err := syscall.Mkfifo(fifo, 0600); err != nil {
		fmt.Fprintf(os.Stderr, "conform-jq: %s: %v\n", fifo, err)
		os.Exit(1)
	}
	// read-write: the server is a writer too, so clients closing their end
	// never make it see end-of-file
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintf(os.Stderr, "conform-jq: %s: %v\n", fifo, err)
		os.Exit(1)
	}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if req := lines.Text(); req != "" {
			finish(req, serve(req))
		}
	}
}

// finish publishes the exit status: REQUEST.rc appears whole or not at all.
func finish(req string, rc int) {
	tmp := req + ".rc.tmp"
	if err := os.WriteFile(tmp, []byte(fmt.Sprintf("%d\n", rc)), 0644); err == nil {
		os.Rename(tmp, req+".rc")
	}
}

// serve runs one request; its result is gojq's exit status.
func serve(req string) (rc int) {
	data, err := os.ReadFile(req)
	if err != nil {
		return 5
	}
	fields := strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
	if len(fields) < 3 {
		return 5
	}
	cwd, outPath, errPath, args := fields[0], fields[1], fields[2], fields[3:]

	// an existing file keeps its owner (bundles own their config.json)
	out, err := os.OpenFile(outPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0644)
	if err != nil {
		return 5
	}
	defer out.Close()
	errOut, err := os.Create(errPath)
	if err != nil {
		return 5
	}
	defer errOut.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		return 5
	}
	defer null.Close()
	if err := os.Chdir(cwd); err != nil {
		fmt.Fprintf(errOut, "conform-jq: %s: %v\n", cwd, err)
		return 2
	}

	stdin, stdout, stderr := os.Stdin, os.Stdout, os.Stderr
	defer func() {
		os.Stdin, os.Stdout, os.Stderr = stdin, stdout, stderr
		if r := recover(); r != nil {
			fmt.Fprintf(errOut, "conform-jq: %v\n", r)
			rc = 5
		}
	}()
	os.Stdin, os.Stdout, os.Stderr = null, out, errOut
	os.Args = append([]string{"gojq"}, args...)
	return cli.Run()
}
