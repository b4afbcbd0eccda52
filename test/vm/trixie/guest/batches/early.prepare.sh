# Before the early boot: e1000 goes into the initramfs (the host driver is then there before
# udev's coldplug), with the image's saved override of the e1000 (vfio-pci) and its rule for the
# edu device (by ID); a marker (0-vmtest, ordered before 00vfioctl by name) for the early
# script's time; update-initramfs -u. The early boot starts a new QEMU from the new initramfs.
. /usr/lib/vmtest/batches/early-checks.sh

early_initramfs() {
    local dir=$WORK/initrd order
    want "saved override of $E1000 missing" file_is "/etc/driverctl.d/pci-$E1000" vfio-pci
    want "rule 50-edu.conf missing" test -f /etc/vfioctl/bind.d/50-edu.conf
    grep -qx e1000 /etc/initramfs-tools/modules || echo e1000 >>/etc/initramfs-tools/modules
    printf '#!/bin/sh\n[ "$1" = prereqs ] && exit 0\necho "vmtest: early script begins" >/dev/kmsg\n' \
        >/etc/initramfs-tools/scripts/init-top/0-vmtest
    chmod 0755 /etc/initramfs-tools/scripts/init-top/0-vmtest
    update-initramfs -u -k "$KREL" || { bad "update-initramfs -u failed"; return; }
    lsinitramfs "/boot/initrd.img-$KREL" >"$WORK/initrd.list"
    grep -E 'vfioctl|/e1000\.ko|/vfio|edu_vfio' "$WORK/initrd.list"
    want "no early script in the initramfs" grep -qx 'usr/lib/vfioctl/early' "$WORK/initrd.list"
    want "no e1000 module in the initramfs" grep -q '/e1000\.ko' "$WORK/initrd.list"
    want "no vfio-pci module in the initramfs" grep -q '/vfio-pci\.ko' "$WORK/initrd.list"
    want "no edu_vfio_pci module in the initramfs" grep -q '/edu_vfio_pci\.ko' "$WORK/initrd.list"
    rm -rf "$dir"; unmkinitramfs "/boot/initrd.img-$KREL" "$dir" || bad "unmkinitramfs failed"
    order=$(find "$dir" -path '*/scripts/init-top/ORDER' | head -n1)
    grep -o 'init-top/[^ ]*' "$order" | tr '\n' ' '; echo
    grep -o 'init-top/[^ ]*' "$order" | tr '\n' ' ' | grep -q 'init-top/0-vmtest init-top/00vfioctl .*init-top/udev' ||
        bad "init-top does not run 0-vmtest, 00vfioctl, then udev"
    rm -rf "$dir"
}

check early-initramfs early_initramfs
