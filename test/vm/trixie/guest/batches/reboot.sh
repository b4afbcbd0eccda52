# A reboot: what the boot before saved, and the rules it had, still hold. After systemd-hotplug
# (a reboot inside the same QEMU) the hot-plugged devices are still there and are checked too;
# run alone (--only reboot), the boot that prepares it has none.

reboot_state() {
    local a
    [ "$(systemctl is-active vfioctl-load-overrides.service)" = active ] || bad "the boot unit is not active"
    unit_journal vfioctl-load-overrides.service
    is_drv "$E1000" vfio-pci || bad "$E1000 is on $(drv_of "$E1000"), not vfio-pci"
    is_drv "$EDU" edu-vfio-variant || bad "$EDU is on $(drv_of "$EDU"), not edu-vfio-variant"
    a=$(behind 1)
    if [ -e "$P/$a" ]; then
        want "saved override of $a lost" file_is "/etc/driverctl.d/pci-$a" vfio-pci
        is_drv "$a" vfio-pci || bad "hot-plugged e1000 $a is on $(drv_of "$a"), not vfio-pci"
        a=$(behind 2)
        is_drv "$a" vfio-pci || bad "hot-plugged e1000e $a is on $(drv_of "$a"), not vfio-pci (rule)"
        a=$(behind 3)
        is_drv "$a" virtio-pci || bad "virtio-rng $a is on $(drv_of "$a"), not virtio-pci"
        want "igb VF rule lost" test -f /etc/vfioctl/bind.d/70-igb-vfs.conf
    else
        echo "no hot-plugged devices: the boot before was not systemd-hotplug"
    fi
    is_drv "$(behind 4)" igb || bad "igb PF is on $(drv_of "$(behind 4)")"
    systemctl list-units --failed --no-legend --plain 'vfioctl*' | grep . && bad "failed vfioctl units"
    vfioctl rules check || bad "vfioctl rules check failed"
    # every device as the boot before left it (reboot.prepare.sh recorded it)
    while read -r d was; do
        [ "$(drv_of "$d")" = "$was" ] || bad "$d was on $was before the reboot, now on $(drv_of "$d")"
    done </var/lib/vmtest/drivers-before-reboot
    [ -s /var/lib/vmtest/drivers-before-reboot ] || bad "no record of the drivers before the reboot"
}

check reboot-state reboot_state
check unit-blame unit_blame
