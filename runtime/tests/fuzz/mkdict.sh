#!/bin/sh
# Print the fuzzing dictionary: json.dict, then every JSON key and enum value
# the library compares against: the components of the support table's paths
# ("linux.namespaces.type=time" gives "linux", "namespaces", "type", "time")
# and the identifier-like string literals of the parsers (action, capability,
# rlimit, mount option names...), each quoted as a JSON string.
set -eu
lib=runtime/src/lib
cat runtime/tests/fuzz/json.dict
{
	grep -o '^	{ "[^"]*"' "$lib/support_table.c" | sed 's/^	{ "//; s/"$//' | tr '.=' '\n'
	cat "$lib"/spec*.c "$lib"/seccomp.c "$lib"/hooks.c "$lib"/mount_plan.c \
		"$lib"/cgroup_plan*.c "$lib"/cgroup_layout.c "$lib"/proc_sched.c \
		"$lib"/timens.c "$lib"/netdev.c "$lib"/fakeroot*.[ch] "$lib"/caps_names.c \
		"$lib"/state.c "$lib"/rootfs.c |
		grep -o '"[A-Za-z_][A-Za-z0-9_.:+-]*"' | tr -d '"'
} | grep -v '^$' | sort -u | sed 's/.*/"\\"&\\""/'
