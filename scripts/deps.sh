#!/bin/sh
# Install what the build and tests need from Debian's archive, when missing, and
# create the unprivileged test user. Idempotent; run as root.
set -eu

PKGS="gcc make pkg-config jq gojq busybox-static libseccomp-dev libjansson-dev libcmocka-dev
valgrind lcov uidmap golang-go golang-github-opencontainers-runtime-tools-dev
golang-github-opencontainers-specs-dev golang-github-itchyny-gojq-dev runc crun buildah podman conmon fuse-overlayfs
charliecloud-runtime hyperfine shellcheck python3-jsonschema clang libclang-rt-14-dev
python3-requests python3-lark"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing packages:$missing (run as root to install)" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

# The unprivileged user the conformance suite runs as (no /etc/subuid entry on
# purpose: urun must work without one).
if [ "$(id -u)" = 0 ] && ! id urun-test >/dev/null 2>&1; then
	useradd --create-home --shell /bin/sh urun-test
fi
