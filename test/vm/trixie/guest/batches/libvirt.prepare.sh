# Before the libvirt boot: the devices start on their host drivers (edu: none, e1000: e1000), so
# the saved override of the e1000 and the edu rule are put aside (libvirt.sh puts them back at its
# end); libvirtd and virtlogd are enabled, so that libvirtd starts at boot and reads the hooks
# directory, vfioctl's hook included, as a user's machine does after installing the package.
mkdir -p /var/lib/vmtest/libvirt-aside
mv "/etc/driverctl.d/pci-$E1000" /etc/vfioctl/bind.d/50-edu.conf /var/lib/vmtest/libvirt-aside/ 2>/dev/null
systemctl enable --quiet libvirtd.service libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket \
    virtlogd.socket virtlogd-admin.socket
# libvirt's own account of what it binds and returns, for the managed='yes' checks.
printf '%s\n' 'log_filters="1:util.pci 1:util.hostdev 1:qemu.qemu_hostdev 1:qemu.qemu_hotplug"' \
    'log_outputs="1:file:/var/log/libvirt/vmtest-debug.log 3:journald"' >>/etc/libvirt/libvirtd.conf
