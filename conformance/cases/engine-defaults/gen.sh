#!/bin/sh
# SPDX-License-Identifier: MIT
# gen.sh: regenerate the engine-default fixtures of t4010 from the engines'
# published defaults, as Debian 12 packages them:
#   docker-caps.json     moby 20.10 oci/caps/defaults.go DefaultCapabilities
#                        (golang-github-docker-docker-dev)
#   docker-seccomp.json  moby 20.10 profiles/seccomp/default.json, turned into
#                        the linux.seccomp that dockerd sends for those caps
#                        on amd64 (profiles/seccomp/seccomp_linux.go setupSeccomp)
#   podman-caps.json     containers.conf default_capabilities (podman 4.3,
#                        golang-github-containers-common)
#   podman-seccomp.json  /usr/share/containers/seccomp.json, turned into the
#                        linux.seccomp podman sends for those caps on amd64
# The JSON files are committed: the cases do not need these packages.
# Usage: conformance/cases/engine-defaults/gen.sh (writes next to itself).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
moby=/usr/share/gocode/src/github.com/docker/docker
common=/usr/share/containers

# setupSeccomp: keep the rules whose includes hold and whose excludes do not
# (caps are tested against the bounding set; minKernel: this is >= 5.x),
# architectures from archMap for amd64, engine-only keys dropped.
# shellcheck disable=SC2016 # a jq program
conv='
def has($l; $x): any($l[]; . == $x);
{defaultAction}
+ (if .defaultErrnoRet then {defaultErrnoRet} else {} end)
+ {architectures: [.archMap[] | select(.architecture == "SCMP_ARCH_X86_64") | .architecture, .subArchitectures[]]}
+ {syscalls: [.syscalls[]
	| select(has(.excludes.arches // []; "amd64") | not)
	| select(any((.excludes.caps // [])[]; has($caps; .)) | not)
	| select(((.includes.arches // []) | length) == 0 or has(.includes.arches; "amd64"))
	| select(all((.includes.caps // [])[]; has($caps; .)))
	| {names, action}
	  + (if .errnoRet then {errnoRet} else {} end)
	  + (if ((.args // []) | length) > 0 then {args: [.args[] | {index, value, op} + (if (.valueTwo // 0) != 0 then {valueTwo} else {} end)]} else {} end)]}
'

sed -n '/func DefaultCapabilities/,/^}/s/.*"\(CAP_[A-Z_]*\)".*/\1/p' "$moby/oci/caps/defaults.go" |
	jq -R . | jq -s . >"$here/docker-caps.json"
jq --slurpfile c "$here/docker-caps.json" "\$c[0] as \$caps | $conv" \
	"$moby/profiles/seccomp/default.json" >"$here/docker-seccomp.json"

sed -n '/^default_capabilities = \[/,/^\]/s/^ *"\([A-Z_]*\)".*/CAP_\1/p' "$common/containers.conf" |
	jq -R . | jq -s . >"$here/podman-caps.json"
jq --slurpfile c "$here/podman-caps.json" "\$c[0] as \$caps | $conv" \
	"$common/seccomp.json" >"$here/podman-seccomp.json"
