#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the minimal fixture root filesystem: static busybox with one symlink
# per applet, a few /etc files, the conformance probe at /probe and the
# security cases' attack programs (every file of ATTACKS) under /attacks.
# Usage: scripts/mk-rootfs.sh DEST PROBE [ATTACKS]
# DEST is rebuilt from scratch in DEST.tmp and then swapped into place.
# Everything is world-readable: unprivileged users run containers from it.
set -eu

BUSYBOX=${BUSYBOX:-/bin/busybox}

die() {
	echo "mk-rootfs: $*" >&2
	exit 1
}

[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: mk-rootfs.sh DEST PROBE [ATTACKS]"
dest=${1%/}
probe=$2
attacks=${3:-}
case $dest in
"" | / | .) die "refusing to use '$1' as DEST" ;;
esac
[ -x "$BUSYBOX" ] || die "'$BUSYBOX' not found (install busybox-static)"
if [ ! -f "$probe" ] || [ ! -x "$probe" ]; then
	die "probe '$probe' is not an executable file"
fi

umask 022
tmp=$dest.tmp
old=$dest.old
rm -rf "$tmp" "$old"
mkdir -p "$tmp"

for d in bin sbin etc proc sys dev tmp root home run var var/tmp mnt; do
	mkdir -p "$tmp/$d"
	chmod 0755 "$tmp/$d"
done
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 0755 "$tmp"

cp "$BUSYBOX" "$tmp/bin/busybox"
chmod 0755 "$tmp/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	case $applet in
	busybox | */*) continue ;;
	esac
	ln -sf busybox "$tmp/bin/$applet"
done
[ -L "$tmp/bin/sh" ] || ln -s busybox "$tmp/bin/sh"

cp "$probe" "$tmp/probe"
chmod 0755 "$tmp/probe"
mkdir -p "$tmp/attacks"
chmod 0755 "$tmp/attacks"
if [ -n "$attacks" ] && [ -d "$attacks" ]; then
	for a in "$attacks"/*; do
		[ -f "$a" ] || continue
		cp "$a" "$tmp/attacks/"
		chmod 0755 "$tmp/attacks/${a##*/}"
	done
fi

cat >"$tmp/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user1000:x:1000:1000:user1000:/home:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$tmp/etc/group" <<'EOF'
root:x:0:
tty:x:5:
group10:x:10:
group20:x:20:
user1000:x:1000:
nogroup:x:65534:
EOF
echo urun >"$tmp/etc/hostname"
chmod 0644 "$tmp/etc/passwd" "$tmp/etc/group" "$tmp/etc/hostname"

# Swap the new tree in; between the two renames DEST is briefly absent.
if [ -e "$dest" ]; then
	mv "$dest" "$old"
fi
mv "$tmp" "$dest"
rm -rf "$old"
