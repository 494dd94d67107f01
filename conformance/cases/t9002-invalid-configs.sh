#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='more invalid configs: wrong types, missing fields, bad values (config.md, config-linux.md)'
# shellcheck source=../lib.sh
. ../lib.sh

# refused FIELD TITLE FILTER: a config patched with FILTER must be refused
# by create (non-zero exit, no timeout or crash) and leave nothing. FIELD is
# the field whose value is wrong ("" for the whole file): a runtime that
# declares it ignored must run instead.
refused() {
	local field=$1 title=$2 filter=$3
	[ -z "$field" ] || expect_field "$field"
	expect_req lifecycle.create-error errors.no-effect
	test_expect_success "refused: $title" '
		test_when_finished cleanup_ct &&
		bundle_new --novalidate "$filter" &&
		rt create --bundle "$BUNDLE" "$CID" >out 2>err
		rc=$?
		if [ "$rc" = 0 ]; then why "create accepted it"; return 1; fi
		no_crash "$rc" &&
		nothing_left
	'
}

refused '' 'config.json is empty' 'empty' 
refused '' 'config.json is a JSON array' '[.]'
refused process.args 'process.args is not an array of strings' '.process.args = ["/probe", 42]'
refused process.env 'process.env is a string' '.process.env = "A=1"'
refused process.user.uid 'process.user.uid is a string' '.process.user.uid = "0"'
refused process.user.uid 'process.user.uid is negative' '.process.user.uid = -1'
refused process.cwd 'process.cwd is missing' 'del(.process.cwd)'
refused hostname 'hostname is a number' '.hostname = 42'
refused mounts 'mounts is an object' '.mounts = {}'
refused mounts.destination 'a mount has no destination' '.mounts += [{type: "tmpfs", source: "tmpfs"}]'
refused linux.namespaces.type 'linux.namespaces has an unknown type' '.linux.namespaces += [{type: "conform"}]'
refused linux.namespaces.type 'linux.namespaces lists a type twice (MUST)' '.linux.namespaces += [{type: "ipc"}]'
refused linux.namespaces.path 'a namespace path is relative (MUST be absolute)' '.linux.namespaces = [.linux.namespaces[] | if .type == "ipc" then .path = "proc/1/ns/ipc" else . end]'
refused linux.devices.type 'linux.devices entry of an unknown type' '.linux.devices = [{path: "/dev/x", type: "z", major: 1, minor: 3}]'
refused linux.devices.path 'linux.devices path is relative' '.linux.devices = [{path: "dev/x", type: "c", major: 1, minor: 3}]'
refused process.oomScoreAdj 'process.oomScoreAdj out of range (1001)' '.process.oomScoreAdj = 1001'
refused process.capabilities.bounding 'process.capabilities.bounding is a string' '.process.capabilities.bounding = "CAP_KILL"'
refused hooks.createRuntime.path 'a hook path is relative (MUST be absolute)' '.hooks.createRuntime = [{path: "bin/true"}]'
refused hooks.createRuntime.timeout 'a hook timeout is 0 (MUST be greater than zero)' '.hooks.createRuntime = [{path: "/bin/true", timeout: 0}]'
refused root.path 'root.path is empty' '.root.path = ""'
refused linux.rootfsPropagation 'linux.rootfsPropagation has an unknown value' '.linux.rootfsPropagation = "conform"'
refused linux.seccomp.defaultAction 'linux.seccomp.defaultAction is unknown' '.linux.seccomp = {defaultAction: "SCMP_ACT_CONFORM"}'
refused linux.personality.domain 'linux.personality.domain is unknown' '.linux.personality = {domain: "CONFORM"}'
refused process.ioPriority.class 'process.ioPriority.class is unknown' '.process.ioPriority = {class: "IOPRIO_CLASS_CONFORM", priority: 0}'
refused process.scheduler.policy 'process.scheduler.policy is unknown' '.process.scheduler = {policy: "SCHED_CONFORM"}'
refused linux.memoryPolicy.mode 'linux.memoryPolicy.mode is unknown' '.linux.memoryPolicy = {mode: "MPOL_CONFORM", nodes: "0"}'
test_done
