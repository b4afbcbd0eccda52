# Before the libvirt boot: the devices start on their host drivers (edu: none, e1000: e1000), so
# every saved override and rule file is put aside (libvirt.sh puts them back at its end); libvirtd
# and virtlogd are enabled, so that libvirtd starts at boot and reads the hooks directory,
# vfioctl's hook included, as a user's machine does after installing the package.
# The same boot is one where the boot unit has nothing to do: three saved overrides (devices the
# libvirt checks do not use) that the initramfs, rebuilt from them, applies before udev, and no
# rule file. libvirt.sh's boot-unit-skipped checks that its condition skipped it.
KREL=$(cat /etc/vmtest-kernel)
SKIPPED="0000:00:1f.2 0000:00:1f.3 $(behind 4)" # SATA, SMBus, the igb PF
mkdir -p /var/lib/vmtest/libvirt-aside
mv /etc/driverctl.d/pci-* /etc/vfioctl/bind.d/*.conf /var/lib/vmtest/libvirt-aside/ 2>/dev/null
echo "$SKIPPED" >/var/lib/vmtest/skipped-devices

skip_initramfs() {
    local a
    for a in $SKIPPED; do echo vfio-pci >"/etc/driverctl.d/pci-$a"; done
    ls /etc/driverctl.d /etc/vfioctl/bind.d
    update-initramfs -u -k "$KREL" || { bad "update-initramfs -u failed"; return; }
    lsinitramfs "/boot/initrd.img-$KREL" | grep -qx 'usr/lib/vfioctl/early' || bad "no early script in the initramfs"
}
check skip-initramfs skip_initramfs
systemctl enable --quiet libvirtd.service libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket \
    virtlogd.socket virtlogd-admin.socket
# libvirt's own account of what it binds and returns, for the managed='yes' checks.
printf '%s\n' 'log_filters="1:util.pci 1:util.hostdev 1:qemu.qemu_hostdev 1:qemu.qemu_hotplug"' \
    'log_outputs="1:file:/var/log/libvirt/vmtest-debug.log 3:journald"' >>/etc/libvirt/libvirtd.conf
