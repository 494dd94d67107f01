#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build conformance/validate/oci-validate from Debian's Go packages
# (golang-github-opencontainers-runtime-tools-dev and its dependencies in
# /usr/share/gocode) in GOPATH mode, offline. Does nothing when the binary
# is newer than its sources. Usage: scripts/build-validator.sh [--force]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/conformance/validate
bin=$dir/oci-validate
gopath=$dir/.gopath

if [ "${1:-}" != "--force" ] && [ -x "$bin" ] &&
	[ -z "$(find "$dir/main.go" "$0" -newer "$bin")" ]; then
	exit 0
fi

command -v go >/dev/null || {
	echo "build-validator: go not found (install golang-go)" >&2
	exit 1
}
src=/usr/share/gocode/src/github.com/opencontainers/runtime-tools/validate
[ -d "$src" ] || {
	echo "build-validator: $src missing" \
		"(install golang-github-opencontainers-runtime-tools-dev)" >&2
	exit 1
}

mkdir -p "$gopath/src" "$gopath/cache"
unset GOFLAGS
GO111MODULE=off GOPROXY=off GOPATH=$gopath:/usr/share/gocode GOCACHE=$gopath/cache
export GO111MODULE GOPROXY GOPATH GOCACHE
cd "$dir"
go build -o "$bin.tmp" .
mv "$bin.tmp" "$bin"
