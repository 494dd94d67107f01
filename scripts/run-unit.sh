#!/bin/sh
# Run the cmocka unit test binaries given as arguments; with VALGRIND=1 under
# valgrind, failing on any error or leak. Forked children that never exec
# (the library's own, in idmap, hooks, cgroups) are not leak-checked: they
# end with _exit and still hold the parent's heap.
set -u
fail=0
for t in "$@"; do
	if [ "${VALGRIND:-0}" = 1 ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
			--child-silent-after-fork=yes \
			--errors-for-leak-kinds=all --suppressions=scripts/urun.supp "$t" || fail=1
	else
		"$t" || fail=1
	fi
done
exit $fail
