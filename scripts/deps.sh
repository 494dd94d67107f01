#!/bin/sh
# Install what the build and tests need from Debian's archive, when missing, and
# create the unprivileged test user. Idempotent; run as root.
set -eu

PKGS="gcc make pkg-config jq gojq busybox-static libseccomp-dev libjansson-dev libcmocka-dev
valgrind lcov uidmap golang-go golang-github-opencontainers-runtime-tools-dev
golang-github-opencontainers-specs-dev golang-github-itchyny-gojq-dev runc crun buildah podman conmon fuse-overlayfs
charliecloud-runtime runsc hyperfine shellcheck python3-jsonschema clang libclang-rt-14-dev
python3-requests python3-lark docker.io containerd python3-grpcio python3-protobuf"

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
	# docker.io and containerd must not start system services: the
	# integration test starts private daemons of its own
	[ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; added_policy=1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
	[ -z "${added_policy:-}" ] || rm -f /usr/sbin/policy-rc.d
fi

# The unprivileged user the conformance suite runs as (no /etc/subuid entry on
# purpose: urun must work without one).
if [ "$(id -u)" = 0 ] && ! id urun-test >/dev/null 2>&1; then
	useradd --create-home --shell /bin/sh urun-test
fi
