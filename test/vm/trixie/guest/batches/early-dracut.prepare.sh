# Before the dracut boot: dracut (by hand: initramfs-tools stays the kernel's generator) builds
# /boot/initrd.img-KREL.dracut for this machine, with e1000 added and a marker hook that runs
# right before vfioctl's pre-udev hook (00-0vmtest.sh sorts before 00-vfioctl-early.sh).
. /usr/lib/vmtest/batches/early-checks.sh

dracut_initramfs() {
    local out=/boot/initrd.img-$KREL.dracut
    printf 'echo "vmtest: early script begins" >/dev/kmsg\n' >"$WORK/0vmtest.sh"
    dracut -f --hostonly --no-hostonly-cmdline --add-drivers e1000 \
        --include "$WORK/0vmtest.sh" /usr/lib/dracut/hooks/pre-udev/00-0vmtest.sh "$out" "$KREL" 2>&1 | tail -n 15
    [ -s "$out" ] || { bad "dracut made no $out"; return; }
    lsinitrd "$out" >"$WORK/dracut.list"
    grep -E 'vfioctl|/e1000\.ko|/vfio|edu_vfio|pre-udev' "$WORK/dracut.list"
    want "no early script in the dracut initramfs" grep -q 'usr/lib/vfioctl/early' "$WORK/dracut.list"
    want "no pre-udev hook of vfioctl" grep -q 'pre-udev/00-vfioctl-early.sh' "$WORK/dracut.list"
    want "no e1000 module in the dracut initramfs" grep -q '/e1000\.ko' "$WORK/dracut.list"
    want "no edu_vfio_pci module in the dracut initramfs" grep -q '/edu_vfio_pci\.ko' "$WORK/dracut.list"
}

check dracut-initramfs dracut_initramfs
