# Before the stale boot, nothing rebuilt: the saved override of the e1000 goes (the initramfs still
# takes it), four saved overrides come that it does not know (the boot unit's cost with 4), a
# hello-world JVM unit to compare that cost with, and a rule taking the root disk's controller,
# whose initramfs build must fail (the stale initramfs stays, and the machine boots with the rule).
KREL=$(cat /etc/vmtest-kernel)
SATA=0000:00:1f.2 SMBUS=0000:00:1f.3

stale_notice() {
    local out a
    out=$(vfioctl unset-override "$E1000" 2>&1) || bad "vfioctl unset-override $E1000 failed"
    echo "$out"
    grep -q 'update-initramfs -u\|dracut -f' <<<"$out" || bad "unset-override printed no notice that the initramfs is stale"
    [ ! -e "/etc/driverctl.d/pci-$E1000" ] || bad "the saved override of $E1000 is still there"
    is_drv "$E1000" e1000 || bad "$E1000 is on $(drv_of "$E1000"), not e1000"
    for a in "$EDU:vfio" "$(behind 4):vfio-pci" "$SATA:vfio-pci" "$SMBUS:vfio-pci"; do
        vfioctl set-override "${a%:*}" "${a##*:}" || bad "vfioctl set-override $a failed"
    done
    ls /etc/driverctl.d
    # The same JVM start as the boot unit's, as a unit of its own in the same boot, right after it.
    echo 'yv66vgAAAD0AGgoAAgADBwAEDAAFAAYBABBqYXZhL2xhbmcvT2JqZWN0AQAGPGluaXQ+AQADKClWCQAIAAkHAAoMAAsADAEAEGphdmEvbGFuZy9TeXN0ZW0BAANvdXQBABVMamF2YS9pby9QcmludFN0cmVhbTsIAA4BAAVoZWxsbwoAEAARBwASDAATABQBABNqYXZhL2lvL1ByaW50U3RyZWFtAQAHcHJpbnRsbgEAFShMamF2YS9sYW5nL1N0cmluZzspVgcAFgEABUhlbGxvAQAEQ29kZQEABG1haW4BABYoW0xqYXZhL2xhbmcvU3RyaW5nOylWACEAFQACAAAAAAACAAEABQAGAAEAFwAAABEAAQABAAAABSq3AAGxAAAAAAAJABgAGQABABcAAAAVAAIAAQAAAAmyAAcSDbYAD7EAAAAAAAA=' |
        base64 -d >/usr/lib/vmtest/Hello.class
    java -cp /usr/lib/vmtest Hello || bad "the hello-world class does not run"
    cat >/etc/systemd/system/vmtest-hello-jvm.service <<'UNIT'
[Unit]
Description=A hello-world JVM start, to compare the boot unit's cost with (test/vm/trixie)
DefaultDependencies=no
After=local-fs.target systemd-udevd.service vfioctl-load-overrides.service
Before=basic.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/java -cp /usr/lib/vmtest Hello

[Install]
WantedBy=sysinit.target
UNIT
    systemctl enable vmtest-hello-jvm.service || bad "cannot enable vmtest-hello-jvm.service"
}

# A rule taking the virtio-blk root disk's controller: update-initramfs fails with vfioctl's one
# line, and leaves the initramfs as it was.
refused_build() {
    local before after out
    before=$(sha256sum <"/boot/initrd.img-$KREL")
    printf '[Match]\nVendor=1af4\nDevice=1001\n[Bind]\nDriver=vfio-pci\n' >/etc/vfioctl/bind.d/90-rootdisk.conf
    out=$(update-initramfs -u -k "$KREL" 2>&1) && bad "update-initramfs -u succeeded with a rule taking the root disk's controller"
    echo "$out"
    [ "$(grep -c '^vfioctl: ' <<<"$out")" = 1 ] || bad "not one line from vfioctl"
    grep -q "^vfioctl: $ROOTDISK: the initramfs would bind it to vfio-pci by rule .*90-rootdisk.conf" <<<"$out" ||
        bad "vfioctl's line does not name $ROOTDISK and the rule"
    after=$(sha256sum <"/boot/initrd.img-$KREL")
    [ "$before" = "$after" ] || bad "the failed build changed /boot/initrd.img-$KREL"
}

check stale-notice stale_notice
check refused-build refused_build
