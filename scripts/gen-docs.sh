#!/bin/sh
# Write (or with --check, verify) the docs generated from the support table:
# docs/urun-features.md and docs/urun.1. Usage: gen-docs.sh [--check] GEN_DOCS DIR
set -eu
check=0
if [ "$1" = --check ]; then check=1; shift; fi
gen=$1 dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" md >"$tmp/urun-features.md"
"$gen" man >"$tmp/urun.1"
for f in urun-features.md urun.1; do
	if [ $check = 1 ]; then
		if ! cmp -s "$tmp/$f" "$dir/$f"; then
			echo "docs/$f is out of date with the support table: run 'make docs'" >&2
			exit 1
		fi
	else
		cp "$tmp/$f" "$dir/$f"
	fi
done
[ $check = 1 ] && echo "docs: generated files are current"
exit 0
