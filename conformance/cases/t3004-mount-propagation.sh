#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='bind mount propagation options and idmapped mounts (config.md#linux-mount-options)'
# shellcheck source=../lib.sh
. ../lib.sh

# pcase OPTION JQCOND: $TEST_DIR/src is a shared bind mount on the host; it
# is rbind-mounted at /mnt/p with OPTION; JQCOND holds for .propagation.
pcase() {
	local o=$1 cond=$2
	expect_field "mounts.options=$o"
	test_expect_success "propagation option $o (MUST)" '
		mkdir src &&
		mount --bind src src && test_when_finished "umount -l $TEST_DIR/src" &&
		mount --make-shared src &&
		bundle_new --arg s "$TEST_DIR/src" --arg o "$o" "mount_add({destination: \"/mnt/p\", type: \"bind\", source: \$s,
			options: [\"rbind\", \$o]})" &&
		probe_report &&
		report_expect "[.mounts[] | select(.target == \"/mnt/p\")] | if length == 0 then false else last | .propagation | $cond end" \
			"/mnt/p with $o: propagation is not $cond"
	'
}

pcase shared 'contains("shared:")'
pcase rshared 'contains("shared:")'
pcase slave 'contains("master:") and (contains("shared:") | not)'
pcase rslave 'contains("master:") and (contains("shared:") | not)'
pcase private '. == ""'
pcase rprivate '. == ""'
pcase unbindable 'contains("unbindable")'
pcase runbindable 'contains("unbindable")'

expect_field mounts.options=idmap mounts.uidMappings.containerID mounts.uidMappings.hostID mounts.uidMappings.size mounts.gidMappings.containerID mounts.gidMappings.hostID mounts.gidMappings.size
# An idmapped mount shows a file owned on disk by containerID as owned by
# hostID (as a user namespace with that mapping would).
test_expect_success ROOT 'mount option idmap with uidMappings and gidMappings (SHOULD)' '
	mkdir src && echo x >src/f && chown 0:0 src/f &&
	bundle_new --arg s "$TEST_DIR/src" "mount_add({destination: \"/mnt/i\", type: \"bind\", source: \$s,
		options: [\"rbind\", \"idmap\"],
		uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
		gidMappings: [{containerID: 0, hostID: 2000, size: 1}]})
		| .process.args = [\"/bin/stat\", \"-c\", \"%u:%g\", \"/mnt/i/f\"]" &&
	probe_report &&
	{ test "$(<"$REPORT")" = 1000:2000 || why "/mnt/i/f (0:0 on disk) shows as $(<"$REPORT"), want 1000:2000"; }
'

expect_field mounts.options=ridmap mounts.uidMappings mounts.gidMappings
test_expect_success ROOT 'mount option ridmap maps submounts too (SHOULD)' '
	mkdir -p src/sub &&
	mount -t tmpfs tmpfs src/sub && test_when_finished "umount -l $TEST_DIR/src/sub" &&
	echo x >src/sub/f && chown 0:0 src/sub/f &&
	bundle_new --arg s "$TEST_DIR/src" "mount_add({destination: \"/mnt/i\", type: \"bind\", source: \$s,
		options: [\"rbind\", \"ridmap\"],
		uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
		gidMappings: [{containerID: 0, hostID: 2000, size: 1}]})
		| .process.args = [\"/bin/stat\", \"-c\", \"%u:%g\", \"/mnt/i/sub/f\"]" &&
	probe_report &&
	{ test "$(<"$REPORT")" = 1000:2000 || why "/mnt/i/sub/f (0:0 on disk) shows as $(<"$REPORT"), want 1000:2000"; }
'

expect_field mounts.options=idmap
test_expect_success ROOT 'idmap without mappings and without a user namespace is an error (MUST)' '
	mkdir src &&
	bundle_new --novalidate --arg s "$TEST_DIR/src" "ns_del(\"user\") | mount_add({destination: \"/mnt/i\", type: \"bind\",
		source: \$s, options: [\"rbind\", \"idmap\"]})" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded"; } &&
	nothing_left
'
test_done
