# The checks of the boots from an initramfs with vfioctl's early script (early.sh from
# initramfs-tools', early-dracut.sh from dracut's): sourced by them, no batch of its own.
# The preparations (early.prepare.sh, early-dracut.prepare.sh) put e1000 into the initramfs, so
# the host driver is there before udev's coldplug; the saved override of the e1000 (vfio-pci) and
# the rule 50-edu.conf (by ID, Driver=vfio) come with the image.
EARLY=/run/vfioctl/early
KREL=$(cat /etc/vmtest-kernel)

# The kernel log's time (s since boot) of the first or last line matching an ERE; empty if none.
kmsg_first() { dmesg >"$WORK/dmesg"; grep -m1 -E "$1" "$WORK/dmesg" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'; }
kmsg_last() { dmesg >"$WORK/dmesg"; grep -E "$1" "$WORK/dmesg" | tail -n1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'; }
before() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'; }
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }

# /run/vfioctl/early: written by the initramfs of BUILDER; the e1000 by its saved override, the
# edu device by its rule, neither taken from a host driver.
early_record() { # builder
    local f
    for f in "$EARLY"/*; do echo "$f: $(tr '\n' ' ' <"$f")"; done
    grep -qx "builder $1" "$EARLY/ran" 2>/dev/null || bad "$EARLY/ran was not written by a $1 initramfs"
    want "$EARLY/pci-$E1000 is not 'vfio-pci - override'" file_is "$EARLY/pci-$E1000" "vfio-pci - override"
    want "$EARLY/pci-$EDU is not 'edu-vfio-variant - 50-edu.conf'" file_is "$EARLY/pci-$EDU" "edu-vfio-variant - 50-edu.conf"
}

# The e1000 driver was in the initramfs and loaded there, and never probed the e1000: the kernel
# log names no e1000 probe of its address (e1000's probe logs "e1000 ADDRESS ethN: ..."), and
# the early script's line comes before the real root's systemd starts (the last "running in
# system mode": dracut's initramfs runs systemd too).
never_host_driver() {
    local t_mod t_vfioctl t_systemd
    dmesg | grep -E 'e1000|vfioctl|vmtest|running in system mode|Run /init'
    t_mod=$(kmsg_first 'e1000: Intel\(R\) PRO/1000 Network Driver')
    t_vfioctl=$(kmsg_first "vfioctl: $E1000: vfio-pci before udev")
    t_systemd=$(kmsg_last 'systemd\[1\]: systemd .* running in system mode')
    echo "e1000 loaded at ${t_mod:-never}, vfioctl's line at ${t_vfioctl:-never}, systemd at ${t_systemd:-never}"
    [ -n "$t_mod" ] || bad "the e1000 driver was never loaded: nothing proves it could have bound $E1000"
    before "$t_mod" "$t_systemd" || bad "the e1000 driver was not loaded in the initramfs"
    dmesg | grep -F "e1000 $E1000" && bad "the kernel log has an e1000 probe of $E1000"
    before "$t_vfioctl" "$t_systemd" || bad "no early-script line for $E1000 before systemd started"
    journalctl -b --no-pager -o cat | grep -F "$E1000" | grep -iE 'e1000:|eth[0-9]|ens' && bad "the journal shows a network interface of $E1000"
    is_drv "$E1000" vfio-pci || bad "$E1000 is on $(drv_of "$E1000"), not vfio-pci"
    is_drv "$EDU" edu-vfio-variant || bad "$EDU is on $(drv_of "$EDU"), not edu-vfio-variant"
    [ "$(systemctl is-active vfioctl-load-overrides.service)" = active ] || bad "the boot unit is not active"
    unit_journal vfioctl-load-overrides.service | tee "$WORK/unit.log"
    grep -q 'out of date' "$WORK/unit.log" && bad "the boot unit says the initramfs is out of date"
    systemctl list-units --failed --no-legend --plain 'vfioctl*' | grep . && bad "failed vfioctl units"
    return 0
}

# status shows what the initramfs did, as text and as JSON.
status_early() {
    local out
    out=$(vfioctl status "$E1000" "$EDU") || bad "vfioctl status failed"
    echo "$out"
    grep -qE '^ *early +vfio-pci by the initramfs \(saved override\)' <<<"$out" || bad "status has no early line for $E1000"
    grep -qE '^ *early +edu-vfio-variant by the initramfs \(rule 50-edu.conf\)' <<<"$out" || bad "status has no early line for $EDU"
    out=$(vfioctl status --json "$E1000") || bad "vfioctl status --json failed"
    echo "$out"
    grep -q '"bound_early": *{' <<<"$out" || bad "status --json has no bound_early for $E1000"
}

# The early script's time in the initramfs: from the marker that runs right before it (0-vmtest,
# a prepared init-top script / pre-udev hook) to its last device line in the kernel log.
early_time() { # builder
    local t0 t1 n
    t0=$(kmsg_first 'vmtest: early script begins')
    t1=$(kmsg_last 'vfioctl: .* before udev')
    n=$(ls /sys/bus/pci/devices | wc -l)
    echo "marker at ${t0:-never}, last vfioctl line at ${t1:-never}"
    before "$t0" "$t1" || { bad "no marker before the early script's lines"; return; }
    info "early script ($1, TCG): $(ms_between "$t0" "$t1") ms in the initramfs, $n PCI devices, 2 taken"
    # how much slower this machine runs sh than the one the suite runs on: the same loop there
    t0=$(date +%s%N); sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i + 1)); done'; t1=$(date +%s%N)
    info "a 100000-step sh loop in the guest now: $(((t1 - t0) / 1000000)) ms"
}
