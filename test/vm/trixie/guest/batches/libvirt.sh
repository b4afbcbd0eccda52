# libvirt for real (issue 17): guests started by the distribution's libvirtd through virsh, with
# vfioctl's qemu hook installed by the package. libvirt.prepare.sh enabled libvirtd and put aside
# the e1000's saved override and the edu rule: edu starts on no driver, the e1000 on e1000.
# The nested guests are tiny (64 MiB, no disk, TCG: <domain type='qemu'>) and started paused:
# what matters is that QEMU opens and maps the VFIO devices. One nested start serves the
# managed='no' checks and the restart, to keep the boot short.
LV=$WORK/libvirt HOOK=/etc/libvirt/hooks/qemu.d/vfioctl
mkdir -p "$LV"
vsh() { virsh -q -c qemu:///system "$@"; }

hostdev() { # slot managed [model]
    echo "<hostdev mode='subsystem' type='pci' managed='$2'>${3:+<driver model='$3'/>}<source><address domain='0x0000' bus='0x00' slot='$1' function='0x0'/></source></hostdev>"
}
# Defines domain NAME with the hostdevs given; its XML stays in $LV/NAME.xml.
define() { # name hostdev-xml...
    local n=$1; shift
    cat >"$LV/$n.xml" <<EOF
<domain type='qemu'>
  <name>$n</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    $*
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
    vsh define "$LV/$n.xml" >/dev/null
}
qemu_pid() { cat "/run/libvirt/qemu/$1.pid" 2>/dev/null; }
# Whether process PID holds ADDRESS's VFIO group file or its VFIO cdev open.
holds() { # pid address
    local fds want c
    fds=$(ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.* -> //p')
    want="/dev/vfio/$(group_of "$2")"
    for c in "$P/$2"/vfio-dev/vfio*; do [ -e "$c" ] && want+="|/dev/vfio/devices/${c##*/}"; done
    grep -qxE "$want" <<<"$fds"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) }'; }
ms_of() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
ms_in() { local t0 t1 in=$1; shift; t0=$(date +%s%N); "$@" <"$in" >/dev/null 2>&1; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
libvirtd_up() { systemctl is-active --quiet libvirtd.service && vsh version >/dev/null; }
restart_libvirtd() { systemctl restart libvirtd.service && wait_until 60 libvirtd_up; }
e1000_netdev() { ls "$P/$E1000/net" 2>/dev/null | head -n1; }

libvirt_daemon() {
    wait_until 60 libvirtd_up || { bad "libvirtd is not running"; GATE_REASON="libvirtd is not running"; return; }
    vsh version
    info "libvirt: $(vsh version | sed -n 's/^Using library: *//p; s/^Running hypervisor: *//p' | tr '\n' ' ')"
    [ -x "$HOOK" ] || bad "$HOOK is not installed"
    is_drv "$EDU" "(none)" || bad "$EDU starts on $(drv_of "$EDU"), not on no driver"
    is_drv "$E1000" e1000 || bad "$E1000 starts on $(drv_of "$E1000"), not e1000"
    define vt-unmanaged "$(hostdev 0x03 no)" "$(hostdev 0x04 no vfio-pci)" || bad "virsh define vt-unmanaged failed"
    vfioctl domain check "$LV/vt-unmanaged.xml" || bad "vfioctl domain check of vt-unmanaged finds a problem"
}

# The e1000's interface is up with an address: the hook refuses, libvirt's error carries
# vfioctl's one line, and nothing moved.
libvirt_refusal() {
    local nd out
    nd=$(e1000_netdev)
    [ -n "$nd" ] || { bad "$E1000 has no network interface"; return; }
    ip link set "$nd" up && ip addr add 192.0.2.17/24 dev "$nd" || bad "cannot give $nd an address"
    if out=$(timeout 300 virsh -c qemu:///system start --paused vt-unmanaged 2>&1); then
        bad "virsh start succeeded although $nd ($E1000) is up with an address"
        vsh destroy vt-unmanaged
    fi
    echo "$out"
    grep -q 'vfioctl: ' <<<"$out" || bad "libvirt's error does not carry vfioctl's line"
    [ "$(grep -c 'vfioctl: ' <<<"$out")" = 1 ] || bad "vfioctl's error is not one line"
    grep -q "$E1000" <<<"$out" || bad "vfioctl's line does not name $E1000"
    is_drv "$EDU" "(none)" || bad "$EDU moved to $(drv_of "$EDU")"
    is_drv "$E1000" e1000 || bad "$E1000 moved to $(drv_of "$E1000")"
    ip -4 addr show dev "$nd" | grep -q 192.0.2.17 || bad "$nd lost its address"
    ls /run/vfioctl/domains/ 2>/dev/null | grep . && bad "a domain list was left in /run/vfioctl/domains"
}
refusal_cleanup() { local nd; nd=$(e1000_netdev); [ -z "$nd" ] || { ip addr flush dev "$nd"; ip link set "$nd" down; }; }

# managed='no' through the hook: edu (no model) gets its variant, the e1000 vfio-pci; QEMU holds both.
libvirt_unmanaged_start() {
    local pid t0 t1
    t0=$(date +%s%N)
    timeout 300 virsh -c qemu:///system start --paused vt-unmanaged || { bad "virsh start --paused vt-unmanaged failed"; return; }
    t1=$(date +%s%N)
    info "nested start of vt-unmanaged (edu + e1000 through VFIO, TCG): $(((t1 - t0) / 1000000)) ms"
    vsh domstate vt-unmanaged
    is_drv "$EDU" edu-vfio-variant || bad "$EDU is on $(drv_of "$EDU"), not its variant edu-vfio-variant"
    is_drv "$E1000" vfio-pci || bad "$E1000 is on $(drv_of "$E1000"), not vfio-pci"
    pid=$(qemu_pid vt-unmanaged)
    [ -n "$pid" ] || { bad "no QEMU pid for vt-unmanaged"; return; }
    ls -l "/proc/$pid/fd" | grep -F /dev/vfio
    holds "$pid" "$EDU" || bad "QEMU ($pid) does not hold $EDU's VFIO device open"
    holds "$pid" "$E1000" || bad "QEMU ($pid) does not hold $E1000's VFIO device open"
    echo "$pid" >"$LV/pid"
    ls -l /run/vfioctl/domains/
}

# libvirtd restarts while the guest runs: it reconnects (the hook's reconnect is a no-op) and
# the guest keeps its devices.
libvirt_restart() {
    restart_libvirtd || { bad "libvirtd did not come back after a restart"; return; }
    wait_until 30 test "$(vsh domstate vt-unmanaged)" = paused || bad "vt-unmanaged is $(vsh domstate vt-unmanaged) after the restart"
    [ "$(qemu_pid vt-unmanaged)" = "$(cat "$LV/pid")" ] || bad "QEMU's pid changed across the restart"
    kill -0 "$(cat "$LV/pid")" || bad "QEMU is gone after the restart"
    is_drv "$EDU" edu-vfio-variant && is_drv "$E1000" vfio-pci || bad "devices moved across the restart"
}

# virsh destroy after the restart: the hook's release returns both devices.
libvirt_unmanaged_release() {
    vsh destroy vt-unmanaged || bad "virsh destroy vt-unmanaged failed"
    wait_until 60 is_drv "$E1000" e1000 || bad "$E1000 is on $(drv_of "$E1000") after destroy, not e1000"
    wait_until 10 is_drv "$EDU" "(none)" || bad "$EDU is on $(drv_of "$EDU") after destroy, not on no driver"
    ls /run/vfioctl/domains/ 2>/dev/null | grep . && bad "the domain list stayed in /run/vfioctl/domains"
    journalctl -b --no-pager -u libvirtd | grep -i 'hook' | tail -n 5
}

# managed='yes': libvirt binds edu itself; the hook lets it through. What libvirt binds while the
# guest runs, against what vfioctl domain check predicted (a module not loaded yet is predicted by
# its module's name: the driver's name is known once it is loaded), and where libvirt leaves edu
# after destroy: back on no driver, or on VFIO where domain check noted that libvirt would.
module_of() { basename "$(readlink "/sys/bus/pci/drivers/$1/module" 2>/dev/null)"; }
managed_case() { # domain-name [model]
    local n=$1 after='(none)' predicted bound pid out
    define "$n" "$(hostdev 0x03 yes "${2:-}")" || { bad "virsh define $n failed"; return; }
    vfioctl domain check "$LV/$n.xml" | tee "$LV/$n.check"
    predicted=$(vfioctl domain check --json "$LV/$n.xml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hostdevs"][0]["driver"] or "")')
    if ! out=$(timeout 300 virsh -c qemu:///system start --paused "$n" 2>&1); then
        echo "$out"
        bound="start failed: $(echo "$out" | tr '\n' ' ')"
        bad "virsh start --paused $n failed"
    else
        bound=$(drv_of "$EDU")
        grep -q 'libvirt still counts it as detached' "$LV/$n.check" && after=$bound
        pid=$(qemu_pid "$n")
        holds "$pid" "$EDU" || bad "QEMU does not hold $EDU's VFIO device open"
        echo "driver_override while running: $(cat "$P/$EDU/driver_override")"
        : >/var/log/libvirt/vmtest-debug.log
        vsh destroy "$n" || bad "virsh destroy $n failed"
        wait_until 30 is_drv "$EDU" "$after" || bad "$EDU is on $(drv_of "$EDU") after destroy, not $after"
        echo "after destroy: $(drv_of "$EDU"), driver_override '$(cat "$P/$EDU/driver_override")'"
        grep -E 'virHostdevReattach|ReAttach|UnbindFromStub|BindToStub' /var/log/libvirt/vmtest-debug.log | cut -c1-200 | tail -n 8
    fi
    info "managed='yes' edu, model '${2:-(none)}': libvirt bound $bound (module $(module_of "$bound")); domain check predicted $predicted; after destroy $(drv_of "$EDU")"
    [ "$bound" = "$predicted" ] || [ "$(module_of "$bound")" = "$predicted" ] || bad "domain check predicted $predicted, libvirt bound $bound"
    vsh undefine "$n" >/dev/null
}
libvirt_managed() { managed_case vt-managed; }
libvirt_managed_model() { managed_case vt-managed-model vfio-pci; }
# After a managed='no' guest that had edu (check unmanaged-release), libvirt still lists edu as
# detached by the user (its inactive list, in libvirtd's memory) although the hook returned it:
# at the next managed='yes' guest's destroy it leaves edu on VFIO ("Not reattaching unmanaged PCI
# device"). domain check says so beforehand.
libvirt_managed_after_unmanaged() {
    managed_case vt-managed-again
    grep -q 'libvirt still counts it as detached' "$LV/vt-managed-again.check" ||
        bad "domain check does not say that libvirt will leave $EDU on VFIO"
}
managed_again_cleanup() { # edu back to no driver; a restart empties libvirt's list
    echo >"$P/$EDU/driver_override"; [ -e "$P/$EDU/driver" ] && echo "$EDU" >"$P/$EDU/driver/unbind"
    restart_libvirtd
}

# What the hook costs a guest without host devices: virsh start --paused with vfioctl's hook, with
# none, and with a hook that only exits 0 (what any hook costs: libvirt spawns it for prepare,
# start and started), in alternating blocks (libvirtd reads the hooks directory when it starts:
# restarted for each); and the hook's own time per call, run from a shell.
start_times() { # count: prints one time in ms per start
    local i
    for ((i = 0; i < $1; i++)); do
        ms_of vsh start --paused vt-plain
        vsh destroy vt-plain >/dev/null
    done
}
use_hook() { # vfioctl|none|exit0
    [ -f "$LV/hook.vfioctl" ] || cp -p "$HOOK" "$LV/hook.vfioctl"
    case $1 in
    vfioctl) cp -p "$LV/hook.vfioctl" "$HOOK" ;;
    none) rm -f "$HOOK" ;;
    exit0) printf '#!/bin/sh\nexit 0\n' >"$HOOK"; chmod 0755 "$HOOK" ;;
    esac
    restart_libvirtd || bad "restart of libvirtd with hook $1 failed"
}
libvirt_hook_cost() {
    local with=() without=() exit0=() i mw mo me own own_start true_ms
    define vt-plain || { bad "virsh define vt-plain failed"; return; }
    start_times 1 >/dev/null # the first start probes and caches QEMU's capabilities
    for i in 1 2; do
        use_hook vfioctl; with+=($(start_times 3))
        use_hook none; without+=($(start_times 3))
        use_hook exit0; exit0+=($(start_times 3))
    done
    use_hook vfioctl
    cmp -s "$LV/hook.vfioctl" "$HOOK" || bad "vfioctl's hook was not put back"
    echo "vfioctl's hook: ${with[*]} ms; no hook: ${without[*]} ms; a hook that exits 0: ${exit0[*]} ms"
    mw=$(printf '%s\n' "${with[@]}" | median) mo=$(printf '%s\n' "${without[@]}" | median)
    me=$(printf '%s\n' "${exit0[@]}" | median)
    own=$(for i in $(seq 15); do ms_in "$LV/vt-plain.xml" "$HOOK" vt-plain prepare begin -; done | median)
    own_start=$(for i in $(seq 15); do ms_in "$LV/vt-plain.xml" "$HOOK" vt-plain start begin -; done | median)
    true_ms=$(for i in $(seq 15); do ms_of /bin/true; done | median)
    info "hook cost, guest without host devices (TCG, median of ${#with[@]}): virsh start --paused ${mw} ms with vfioctl's hook, ${mo} ms without a hook ($((mw - mo)) ms), ${me} ms with a hook that exits 0 ($((mw - me)) ms); the hook's own run: prepare ${own} ms, start ${own_start} ms; /bin/true ${true_ms} ms"
    # Under TCG every fork costs milliseconds; a JVM would cost seconds. The 20 ms bound is for
    # real hardware (docs/BENCHMARKS.md, bench/hook-cost).
    ((own < 400)) || bad "the hook takes ${own} ms for a guest without host devices: a JVM start?"
    vsh undefine vt-plain >/dev/null
}

# The boot unit with nothing to do (libvirt.prepare.sh): no rule file, and three saved overrides
# that the initramfs, built from them, applied before udev. Its condition (in-effect --boot)
# skipped it: no JVM. Its cost as systemd saw it, from its start to its skip, for the report.
boot_unit_skipped() {
    local u=vfioctl-load-overrides.service a f result t0 t1 blame j0 j1 skipped
    unit_journal "$u" | tee "$WORK/skipped.log"
    read -ra skipped </var/lib/vmtest/skipped-devices
    for a in "${skipped[@]}"; do
        is_drv "$a" vfio-pci || bad "$a is on $(drv_of "$a"), not vfio-pci (saved override)"
        grep -qx "vfio-pci [^ ]* override" "/run/vfioctl/early/pci-$a" || bad "the initramfs did not take $a"
    done
    for f in /etc/vfioctl/bind.d/* /run/vfioctl/bind.d/* /usr/lib/vfioctl/bind.d/*; do
        [ ! -e "$f" ] || bad "a rule file is present ($f): the boot unit has work"
    done
    result=$(systemctl show -P Result "$u")
    systemctl show -p ExecCondition -p Result -p ActiveState "$u"
    [ "$result" = exec-condition ] || bad "the boot unit's result is $result, not exec-condition (skipped by its condition)"
    grep -q "Skipped due to 'exec-condition'" "$WORK/skipped.log" || bad "the journal does not say its condition skipped the boot unit"
    grep -q 'load-override:' "$WORK/skipped.log" && bad "vfioctl ran in the boot unit"
    systemctl list-units --failed --no-legend --plain 'vfioctl*' | grep . && bad "failed vfioctl units"
    t0=$(systemctl show -P InactiveExitTimestampMonotonic "$u") t1=$(systemctl show -P InactiveEnterTimestampMonotonic "$u")
    if [ "${t0:-0}" -eq 0 ] || [ "${t1:-0}" -lt "$t0" ]; then bad "systemd has no start and end of the boot unit"; return; fi
    systemd-analyze blame --no-pager | grep -E 'vfioctl' | sed 's/^ *//'
    blame=$(blame_ms "$u")
    [ -n "$blame" ] || bad "systemd-analyze blame does not list the boot unit"
    j0=$(date +%s%N); java -version >/dev/null 2>&1; j1=$(date +%s%N)
    info "boot unit skipped by its condition (3 saved overrides in effect, no rule; TCG): $(((t1 - t0) / 1000)) ms from start to skip (systemctl show), blame ${blame:-none} ms; java -version now: $(((j1 - j0) / 1000000)) ms"
}

check boot-unit-skipped boot_unit_skipped
GATE_REASON=
check libvirt-daemon libvirt_daemon
GATE=$GATE_REASON
check libvirt-managed libvirt_managed
check libvirt-managed-model libvirt_managed_model
check libvirt-refusal libvirt_refusal refusal_cleanup
check libvirt-unmanaged-start libvirt_unmanaged_start
check libvirt-restart libvirt_restart
check libvirt-unmanaged-release libvirt_unmanaged_release
check libvirt-managed-after-unmanaged libvirt_managed_after_unmanaged managed_again_cleanup
check libvirt-hook-cost libvirt_hook_cost
GATE=
vsh destroy vt-unmanaged >/dev/null 2>&1; vsh undefine vt-unmanaged >/dev/null 2>&1
read -ra skipped </var/lib/vmtest/skipped-devices
for a in "${skipped[@]}"; do rm -f "/etc/driverctl.d/pci-$a"; done
mv /var/lib/vmtest/libvirt-aside/pci-* /etc/driverctl.d/ 2>/dev/null
mv /var/lib/vmtest/libvirt-aside/*.conf /etc/vfioctl/bind.d/ 2>/dev/null
