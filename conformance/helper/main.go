// SPDX-License-Identifier: MIT
//
// conform-helper: the case scripts' jq calls and bundle copies, served over
// a FIFO so that each costs two small file writes instead of a process. On
// small VMs process creation is the suite's main cost (a fork and exec
// from bash takes 4 to 12 ms there), and the cases make about a thousand
// such calls per runtime. lib.sh starts one server per case script and
// falls back to running the programs when the server is absent.
//
// Usage: conform-helper FIFO
//
// The server makes FIFO and reads request paths from it, one per line. A
// request file holds NUL-terminated fields: operation, working directory,
// stdout path, stderr path, then the operation's arguments. Operations:
//
//	jq ARG...        gojq's command line (stdin is /dev/null)
//	copy SRC DEST    copy the tree SRC to the new DEST like cp -a
//
// Copies of the same tree are made ahead, in the background (copytree.go).
// After writing the outputs the server writes the exit status to
// REQUEST.rc (renamed into place, so that its existence means done).
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: conform-helper FIFO")
		os.Exit(2)
	}
	// end with the script that started us, however it ends
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG,
		uintptr(syscall.SIGKILL), 0); errno != 0 || os.Getppid() == 1 {
		os.Exit(1)
	}
	fifo := os.Args[1]
	if err := syscall.Mkfifo(fifo, 0600); err != nil {
		fmt.Fprintf(os.Stderr, "conform-helper: %s: %v\n", fifo, err)
		os.Exit(1)
	}
	// read-write: the server is a writer too, so clients closing their end
	// never make it see end-of-file
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintf(os.Stderr, "conform-helper: %s: %v\n", fifo, err)
		os.Exit(1)
	}
	pool := &copyPool{dir: filepath.Dir(fifo)}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if req := lines.Text(); req != "" {
			finish(req, serve(req, pool))
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

// serve runs one request and returns its exit status.
func serve(req string, pool *copyPool) int {
	data, err := os.ReadFile(req)
	if err != nil {
		return 125
	}
	fields := strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
	if len(fields) < 4 {
		return 125
	}
	op, cwd, outPath, errPath, args := fields[0], fields[1], fields[2], fields[3], fields[4:]

	// an existing file keeps its owner (bundles own their config.json)
	out, err := os.OpenFile(outPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0644)
	if err != nil {
		return 125
	}
	defer out.Close()
	errOut, err := os.Create(errPath)
	if err != nil {
		return 125
	}
	defer errOut.Close()
	if err := os.Chdir(cwd); err != nil {
		fmt.Fprintf(errOut, "conform-helper: %s: %v\n", cwd, err)
		return 125
	}
	switch op {
	case "jq":
		return runJq(args, out, errOut)
	case "copy":
		if len(args) != 2 {
			fmt.Fprintln(errOut, "conform-helper: usage: copy SRC DEST")
			return 2
		}
		if err := pool.copy(args[0], args[1]); err != nil {
			fmt.Fprintf(errOut, "conform-helper: copy: %v\n", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(errOut, "conform-helper: unknown operation %q\n", op)
	return 125
}
