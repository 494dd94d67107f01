#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build one of the harness's Go helpers from Debian's Go packages (in
# /usr/share/gocode) in GOPATH mode, offline: conformance/validate (the
# runtime-tools validator, oci-validate) or conformance/helper
# (conform-helper, which serves the case scripts' jq calls and bundle
# copies). Does nothing when the binary is newer than its sources.
# Usage: scripts/build-go-tool.sh DIR BINARY [--force]
set -eu

[ $# -ge 2 ] || { echo "usage: build-go-tool.sh DIR BINARY [--force]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/$1
bin=$dir/$2
gopath=$dir/.gopath

if [ "${3:-}" != "--force" ] && [ -x "$bin" ] &&
	[ -z "$(find "$dir"/*.go "$0" -newer "$bin")" ]; then
	exit 0
fi

command -v go >/dev/null || {
	echo "build-go-tool: go not found (install golang-go)" >&2
	exit 1
}

mkdir -p "$gopath/src" "$gopath/cache"
unset GOFLAGS
GO111MODULE=off GOPROXY=off GOPATH=$gopath:/usr/share/gocode GOCACHE=$gopath/cache
export GO111MODULE GOPROXY GOPATH GOCACHE
cd "$dir"
if ! go build -o "$bin.tmp" . 2>"$bin.err"; then
	echo "build-go-tool: cannot build $1 (are its golang-*-dev packages installed?):" >&2
	cat "$bin.err" >&2
	rm -f "$bin.err"
	exit 1
fi
rm -f "$bin.err"
mv "$bin.tmp" "$bin"
