#!/bin/bash
# SPDX-License-Identifier: MIT
# spec-fields.sh [--all|--linux|--other] [SCHEMA_DIR]: list the config.json
# fields of the runtime-spec JSON schemas, one dotted path per line (array
# items add no component: mounts.options, linux.namespaces.type). Walks
# config-schema.json and follows every $ref into config-linux.json,
# defs*.json and the other platform files.
#   --all    every field (default)
#   --linux  the fields that apply to Linux (no other platform sections,
#            no process.commandLine, process.user.username)
#   --other  only those that do not apply to Linux
set -eu
mode=--all
case ${1:-} in --all|--linux|--other) mode=$1; shift ;; esac
dir=${1:-$(cd "$(dirname "$0")/.." && pwd)/conformance/schema}
[ -f "$dir/config-schema.json" ] || dir=$(cd "$(dirname "$0")/../.." && pwd)/shared/runtime-spec/schema
[ -f "$dir/config-schema.json" ] || { echo "spec-fields.sh: no config-schema.json in $dir" >&2; exit 2; }

# All schema files as one object {file: document}.
files=$(cd "$dir" && for f in config-*.json defs*.json; do printf '%s\n' "$f"; done)
# shellcheck disable=SC2086 # file names without spaces
docs=$(cd "$dir" && jq -n '[inputs | {key: input_filename, value: .}] | from_entries' $files)

jq -r --arg mode "$mode" '
	. as $docs
	# resolve "file.json#/a/b" or "#/a/b" relative to FILE
	| def resolve($file; $ref):
		($ref | split("#")) as $p
		| (if $p[0] == "" then $file else $p[0] end) as $f
		| [$f, ($docs[$f] | getpath($p[1] | ltrimstr("/") | split("/") | map(select(. != ""))))];
	# walk(FILE; NODE; PATH; DEPTH): emit dotted paths of properties
	def walk($file; $node; $path; $depth):
		if $depth > 12 or ($node | type) != "object" then empty
		elif $node["$ref"] then resolve($file; $node["$ref"]) as [$f, $n] | walk($f; $n; $path; $depth + 1)
		else
			( ($node.properties // {}) | to_entries[] | ($path + [.key]) as $p
				| ($p | join(".")), walk($file; .value; $p; $depth + 1) ),
			( if $node.items then walk($file; $node.items; $path; $depth + 1) else empty end ),
			( ($node.oneOf // []) + ($node.anyOf // []) + ($node.allOf // []) | .[] | walk($file; .; $path; $depth + 1) )
		end;
	[walk("config-schema.json"; $docs["config-schema.json"]; []; 0)] | unique[]
	| select(
		(test("^(freebsd|solaris|vm|windows|zos)(\\.|$)") or . == "process.commandLine" or . == "process.user.username") as $other
		| if $mode == "--linux" then ($other | not) elif $mode == "--other" then $other else true end)
' <<<"$docs"
