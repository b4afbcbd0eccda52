# A boot from a stale initramfs (stale.prepare.sh removed the saved override of the e1000 without
# rebuilding it, and added four the initramfs does not know), with a rule taking the root disk's
# controller that the initramfs build refused. Then the Ansible collection's playbook.
SATA=0000:00:1f.2 SMBUS=0000:00:1f.3
KREL=$(cat /etc/vmtest-kernel)

# The initramfs took the e1000; the boot unit returned it to e1000, bound the four, and said
# once that the initramfs is out of date.
stale_return() {
    local n
    unit_journal vfioctl-load-overrides.service | tee "$WORK/unit.log"
    [ "$(systemctl is-active vfioctl-load-overrides.service)" = active ] || bad "the boot unit is not active"
    want "the initramfs did not take $E1000" file_is "/run/vfioctl/early/pci-$E1000" "vfio-pci - override"
    is_drv "$E1000" e1000 || bad "$E1000 is on $(drv_of "$E1000"), not back on e1000"
    # the signal the early boots rely on: e1000's probe of the address, now that it bound it
    dmesg | grep -F "e1000 $E1000" || bad "the kernel log has no e1000 probe of $E1000 after the return"
    journalctl -b --no-pager -o cat | grep -F 'initramfs' | grep -v '^vmtest' | tee "$WORK/warned"
    n=$(grep -c 'the initramfs is out of date' "$WORK/warned")
    [ "$n" = 1 ] || bad "the journal says $n times that the initramfs is out of date, not once"
    n=$(grep -c "$E1000: the initramfs bound it to vfio-pci, but no saved override or rule selects it now" "$WORK/warned")
    [ "$n" = 1 ] || bad "the journal says $n times that $E1000 was returned, not once"
    grep 'out of date' "$WORK/warned" | grep -q 'update-initramfs -u' || bad "the warning does not name update-initramfs -u"
    # the root disk's controller is no device the initramfs missed: no build would take it
    grep 'out of date' "$WORK/warned" | grep -q "$ROOTDISK" && bad "the warning names $ROOTDISK as not bound by the initramfs"
    for a in "$(behind 4)" "$SATA" "$SMBUS"; do
        is_drv "$a" vfio-pci || bad "$a is on $(drv_of "$a"), not vfio-pci (saved override)"
    done
    is_drv "$EDU" edu-vfio-variant || bad "$EDU is on $(drv_of "$EDU"), not edu-vfio-variant"
}

# status says why the e1000 is not where the initramfs put it.
stale_status() {
    local out
    out=$(vfioctl status "$E1000") || bad "vfioctl status $E1000 failed"
    echo "$out"
    grep -E '^ *early ' <<<"$out" | grep -q 'out of date' || bad "status does not say the initramfs is out of date"
    grep -E '^ *early ' <<<"$out" | grep -q 'update-initramfs -u' || bad "status does not name update-initramfs -u"
}

# The machine booted with a rule that matches its root disk's controller, which stays on virtio.
refused_boot() {
    want "the root disk's rule is gone" test -f /etc/vfioctl/bind.d/90-rootdisk.conf
    is_drv "$ROOTDISK" virtio-pci || bad "$ROOTDISK is on $(drv_of "$ROOTDISK"), not virtio-pci"
    journalctl -b --no-pager -o cat | grep -F "$ROOTDISK"
    systemctl list-units --failed --no-legend --plain | grep . && bad "failed units"
    return 0
}

# The boot unit with 4 saved overrides against a hello-world JVM started the same way (a unit
# ordered right after it), as systemd-analyze blame reports them; then both again on the quiet
# machine.
unit_cost() {
    local unit hello t0 t1 t2 i
    systemd-analyze blame --no-pager | grep -E 'vfioctl|vmtest-hello|udev' | sed 's/^ *//'
    unit=$(blame_ms vfioctl-load-overrides.service) hello=$(blame_ms vmtest-hello-jvm.service)
    [ -n "$unit" ] && [ -n "$hello" ] || { bad "blame lists no boot unit or hello-world unit"; return; }
    info "boot unit, 4 saved overrides, boot (blame): ${unit} ms; hello-world JVM unit right after it: ${hello} ms; ratio $(awk -v a="$unit" -v b="$hello" 'BEGIN { printf "%.2f", a / b }')"
    for i in 1 2 3; do
        t0=$(date +%s%N); java -cp /usr/lib/vmtest Hello >/dev/null; t1=$(date +%s%N)
        vfioctl load-override --all >/dev/null 2>&1; t2=$(date +%s%N)
        info "quiet machine, run $i: java Hello $(((t1 - t0) / 1000000)) ms, vfioctl load-override --all (4 overrides, all in place) $(((t2 - t1) / 1000000)) ms"
    done
}

# The collection's integration playbook (test/fleet/guest-run) on the e1000, with the igb PF as
# the NIC in use (up, with an address).
ansible_guest() {
    local pf iface
    rm -f /etc/vfioctl/bind.d/90-rootdisk.conf
    pf=$(behind 4)
    vfioctl unset-override "$pf" || bad "vfioctl unset-override $pf failed"
    wait_until 30 is_drv "$pf" igb || { bad "$pf is on $(drv_of "$pf"), not igb"; return; }
    wait_until 30 test -d "$P/$pf/net" || { bad "$pf has no network interface"; return; }
    iface=$(ls "$P/$pf/net" | head -n1)
    ip link set "$iface" up && ip addr add 192.0.2.10/24 dev "$iface" || bad "cannot configure $iface"
    ip -br addr show "$iface"
    is_drv "$E1000" e1000 || bad "$E1000 is on $(drv_of "$E1000"), not e1000"
    /usr/lib/vmtest/checkout/test/fleet/guest-run "$E1000" "$pf" || bad "the playbook failed"
    is_drv "$E1000" e1000 || bad "$E1000 is on $(drv_of "$E1000") after the playbook, not e1000"
}

# Removing the package rebuilds the initramfs its hook built, without vfioctl: the early script
# would otherwise go on binding the saved overrides' devices at every boot, with no boot unit or
# udev rule left to manage them. The saved overrides stay (they are the user's). Last of the
# suite: vfioctl is gone after it.
package_removed() {
    local t0
    t0=$(date +%s)
    lsinitramfs "/boot/initrd.img-$KREL" </dev/null >"$WORK/initrd.list" || bad "lsinitramfs failed"
    info "lsinitramfs: $(($(date +%s) - t0)) s"
    want "no early script in the initramfs before the removal" grep -qx 'usr/lib/vfioctl/early' "$WORK/initrd.list"
    t0=$(date +%s)
    timeout 500 dpkg -r vfioctl </dev/null || { bad "dpkg -r vfioctl failed (exit $?)"; return; }
    info "dpkg -r, with the initramfs rebuilt: $(($(date +%s) - t0)) s"
    lsinitramfs "/boot/initrd.img-$KREL" </dev/null >"$WORK/initrd.list" || bad "lsinitramfs failed"
    if grep vfioctl "$WORK/initrd.list"; then
        bad "the initramfs still holds vfioctl after the package's removal"
    fi
    want "the saved overrides did not survive the removal" test -f "/etc/driverctl.d/pci-$SATA"
}

check stale-return stale_return
check stale-status stale_status
check refused-boot refused_boot
check unit-cost unit_cost
check ansible-guest ansible_guest
check package-removed package_removed
