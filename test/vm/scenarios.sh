#!/bin/bash
# Runs INSIDE the QEMU guest (chrooted into the read-only host root with a
# tmpfs overlay).  Prints one line per check:
#   VMTEST PASS <name>
#   VMTEST FAIL <name> <reason>[; <reason>...]
# Detail lines start with "  | ".  Never run this on a real machine: it
# unbinds and rebinds PCI devices.
set -u
export LC_ALL=C

MODE=${VMTEST_MODE:-full}
JAR=${VMTEST_JAR:-}
JAVA=${VMTEST_JAVA:-java}
HAVE_BATCH=${VMTEST_BATCH:-0}
WORK=/tmp/vmtest
mkdir -p "$WORK/log"

if [ ! -d /sys/bus/pci/devices ] || [ "$(hostname)" != vfioctl-vm ]; then
    echo "scenarios.sh: refusing to run outside the test VM" >&2
    exit 2
fi

# check, bad, want, find_dev, drv_of, ...: the shared check framework.
. "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

EDU=$(find_dev 0x1234 0x11e8)
E1000=$(find_dev 0x8086 0x100e)
RNG0=$(find_dev 0x1af4 0x1005 0 || find_dev 0x1af4 0x1044 0)
RNG1=$(find_dev 0x1af4 0x1005 1 || find_dev 0x1af4 0x1044 1)
RP=$(find_dev 0x1b36 0x000c)
declare -A ORIG=()
for d in $EDU $E1000 $RNG0 $RNG1 $RP; do ORIG[$d]=$(drv_of "$d"); done

# put a device back to its boot-time driver with plain sysfs writes
restore_dev() { # dev
    local d=$1
    echo > "$P/$d/driver_override"
    if [ "$(drv_of "$d")" != "${ORIG[$d]}" ]; then
        [ -L "$P/$d/driver" ] && echo "$d" > "$P/$d/driver/unbind"
        [ "${ORIG[$d]}" != "(none)" ] && echo "$d" > /sys/bus/pci/drivers_probe
    fi
    [ "$(drv_of "$d")" = "${ORIG[$d]}" ]
}
reset_all() {
    local d ok=0
    for d in $EDU $E1000 $RNG0 $RNG1 $RP; do restore_dev "$d" || { echo "reset: $d is $(drv_of "$d"), wanted ${ORIG[$d]}"; ok=1; }; done
    rm -rf /etc/driverctl.d
    return $ok
}

# ------------------------------------------------------------ boot checks
boot() {
    local d b
    echo "kernel $(uname -r), $(nproc) cpus, uptime $(cut -d' ' -f1 /proc/uptime)s"
    for d in $P/*; do
        b=$(basename "$d")
        printf '%s %s:%s class %s group %s driver %s\n' "$b" "$(cat "$d/vendor")" "$(cat "$d/device")" \
            "$(cat "$d/class")" "$(group_of "$b" 2>/dev/null || echo -)" "$(drv_of "$b")"
    done
    [ -n "$EDU" ] || bad "edu device not found"
    [ -n "$E1000" ] || bad "e1000 device not found"
    [ -n "$RNG0" ] && [ -n "$RNG1" ] || bad "two virtio-rng functions not found"
    [ -n "$RP" ] || bad "pcie-root-port not found"
    [ -n "$(ls /sys/kernel/iommu_groups 2>/dev/null)" ] || bad "no IOMMU groups (intel_iommu not active)"
    [ -n "$E1000" ] && ! is_drv "$E1000" e1000 && bad "e1000 bound to $(drv_of "$E1000"), not e1000"
    [ -n "$RP" ] && ! is_drv "$RP" pcieport && bad "root port bound to $(drv_of "$RP")"
    want "driverctl missing" command -v driverctl
    want "modules of $(uname -r) not visible" test -f "/lib/modules/$(uname -r)/modules.dep"
}

dc_groups() {
    [ "$(group_of "$RNG0")" = "$(group_of "$RNG1")" ] || bad "virtio-rng functions in different groups"
    [ "$(ls "$P/$RNG0/iommu_group/devices" | wc -l)" = 2 ] || bad "rng group does not have exactly 2 devices"
    [ "$(group_of "$EDU")" != "$(group_of "$E1000")" ] || bad "edu and e1000 share a group"
    [ "$(ls "$P/$E1000/iommu_group/devices" | wc -l)" = 1 ] || bad "e1000 not alone in its group"
}

dc_alias() {
    local m
    # the variant's specific alias plus vfio-pci's catch-all vfio_pci:v*d*... one
    m=$(modprobe -R "vfio_$(cat "$P/$EDU/modalias")" 2>/dev/null | tr '\n' ' ')
    echo "edu: modprobe -R vfio_$(cat "$P/$EDU/modalias") -> ${m:-nothing}"
    case " $m" in *" edu_vfio_pci "*) ;; *) bad "vfio_pci alias of edu does not resolve to edu_vfio_pci ($m)" ;; esac
    m=$(modprobe -R "vfio_$(cat "$P/$E1000/modalias")" 2>/dev/null | tr '\n' ' ')
    echo "e1000: -> ${m:-nothing}"
    [ "$m" = "vfio_pci " ] || bad "vfio_pci alias of e1000 resolves to '$m', not just vfio_pci"
}

dc_list_devices() {
    local out rc
    out=$(driverctl list-devices 2>&1); rc=$?
    echo "$out"
    [ $rc = 0 ] || bad "rc $rc"
    echo "$out" | grep -qx "$EDU (none)" || bad "no '$EDU (none)' line"
    echo "$out" | grep -qx "$E1000 e1000" || bad "no '$E1000 e1000' line"
}

dc_e1000_roundtrip() {
    driverctl set-override "$E1000" vfio-pci 2>&1
    is_drv "$E1000" vfio-pci || bad "not bound to vfio-pci after set-override"
    want "no /dev/vfio/group" test -c "/dev/vfio/$(group_of "$E1000")"
    want "persisted file wrong" file_is "/etc/driverctl.d/pci-$E1000" vfio-pci
    driverctl unset-override "$E1000" 2>&1
    is_drv "$E1000" e1000 || bad "bound to $(drv_of "$E1000") after unset-override"
    want "persisted file left" test ! -e "/etc/driverctl.d/pci-$E1000"
}

dc_variant_sysfs() {
    modprobe edu_vfio_pci || bad "modprobe edu_vfio_pci failed"
    want "no /sys/bus/pci/drivers/edu-vfio-variant" test -d /sys/bus/pci/drivers/edu-vfio-variant
    want "module does not own the driver" test -e /sys/module/edu_vfio_pci/drivers/pci:edu-vfio-variant
    echo edu-vfio-variant > "$P/$EDU/driver_override"
    echo "$EDU" > /sys/bus/pci/drivers_probe
    is_drv "$EDU" edu-vfio-variant || bad "edu bound to $(drv_of "$EDU")"
    want "no vfio-dev" test -d "$P/$EDU/vfio-dev"
    want "no /dev/vfio/group" test -c "/dev/vfio/$(group_of "$EDU")"
    # driverctl itself cannot handle a driver whose module has another name
    driverctl set-override "$RNG0" edu-vfio-variant 2>&1
    echo "driverctl set-override $RNG0 edu-vfio-variant -> rc ${PIPESTATUS[0]}, driver $(drv_of "$RNG0")"
    reset_all
    rmmod edu_vfio_pci || bad "rmmod edu_vfio_pci failed"
}

dc_refused_bind() {
    local out rc
    out=$(driverctl set-override "$RP" vfio-pci 2>&1); rc=$?
    echo "$out"
    echo "rc $rc, root port driver now $(drv_of "$RP")"
    [ $rc != 0 ] || bad "driverctl succeeded binding a bridge to vfio-pci"
    is_drv "$RP" vfio-pci && bad "vfio-pci accepted a bridge"
    want "persisted despite failure" test ! -e "/etc/driverctl.d/pci-$RP"
    reset_all || bad "could not restore pcieport"
}

dc_load_override() {
    driverctl set-override "$E1000" vfio-pci 2>&1
    restore_dev "$E1000" || bad "could not clear override by hand"
    driverctl load-override "$E1000" 2>&1
    is_drv "$E1000" vfio-pci || bad "load-override left it on $(drv_of "$E1000")"
    driverctl load-override "$RNG0" >/dev/null 2>&1 && bad "load-override without a file returned 0"
}

check boot boot || exit 1
check dc-groups dc_groups
check dc-alias dc_alias
check dc-list-devices dc_list_devices
check dc-e1000-roundtrip dc_e1000_roundtrip reset_all
check dc-variant-sysfs dc_variant_sysfs
check dc-refused-bind dc_refused_bind
check dc-load-override dc_load_override reset_all

if [ "$MODE" = driverctl ]; then
    echo "  | mode driverctl: vfioctl scenarios skipped"
    exit 0
fi

# ================================================================ vfioctl
JOPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto)
vfioctl() { "$JAVA" "${JOPTS[@]}" -jar "$JAR" "$@"; }
VF_WHY=
if [ -z "$JAR" ] || [ ! -f "$JAR" ]; then
    VF_WHY="vfioctl-not-ready: $JAR missing"
elif ! "$JAVA" -version >/dev/null 2>&1; then
    VF_WHY="vfioctl-not-ready: $JAVA does not run"
fi

# run_batch DIR: runs the commands in DIR/cmds (one per line) with the batch
# runner (or one JVM per command when it is missing) and leaves the results
# in DIR/<n>.out, DIR/<n>.err, DIR/<n>.rc  (n = 1, 2, ...)
run_batch() {
    local dir=$1 n=0 line t0 t1
    rm -f "$dir"/[0-9]*.out "$dir"/[0-9]*.err "$dir"/[0-9]*.rc
    t0=$(cut -d' ' -f1 /proc/uptime)
    if [ "$HAVE_BATCH" = 1 ]; then
        "$JAVA" "${JOPTS[@]}" -cp "$JAR" io.vfioctl.cli.Batch <"$dir/cmds" >"$dir/batch.log" 2>"$dir/batch.stderr"
        echo "$?" >"$dir/batch.rc"
        if [ "$(cat "$dir/batch.rc")" != 0 ] || [ -s "$dir/batch.stderr" ]; then
            echo "batch runner exit $(cat "$dir/batch.rc"); its stderr:"
            head -n 20 "$dir/batch.stderr"
        fi
        awk -v d="$dir" '
            /^>>> / { n++; o=d "/" n ".out"; e=d "/" n ".err"; printf "" > o; printf "" > e; next }
            /^<<< / { print substr($0, 5) > (d "/" n ".rc"); close(o); close(e); next }
            /^!!( |$)/ { print substr($0, 4) > e; next }
            n > 0 { print > o }' "$dir/batch.log"
    else
        while IFS= read -r line; do
            case $line in ''|'#'*) continue ;; esac
            n=$((n + 1))
            # shellcheck disable=SC2086
            vfioctl $line >"$dir/$n.out" 2>"$dir/$n.err"
            echo "$?" >"$dir/$n.rc"
        done <"$dir/cmds"
    fi
    t1=$(cut -d' ' -f1 /proc/uptime)
    echo "ran $(grep -cvE '^(#|$)' "$dir/cmds") command(s) in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')s ($([ "$HAVE_BATCH" = 1 ] && echo batch || echo 'one JVM each'))"
}
rc_of() { cat "$1/$2.rc" 2>/dev/null || echo missing; }
show() { # dir n : print a command's captured result
    echo "$(sed -n "$2p" <(grep -vE '^(#|$)' "$1/cmds")) -> rc $(rc_of "$1" "$2")"
    cat "$1/$2.out" 2>/dev/null
    sed 's/^/!! /' "$1/$2.err" 2>/dev/null
}
new_batch() { local d=$WORK/$1; rm -rf "$d"; mkdir -p "$d"; cat >"$d/cmds"; echo "$d"; }

# driverctl reference output for the same commands: DIR/dc<n>.{out,err,rc}
run_driverctl() { # dir
    local dir=$1 n=0 line
    while IFS= read -r line; do
        case $line in ''|'#'*) continue ;; esac
        n=$((n + 1))
        # shellcheck disable=SC2086
        driverctl $line >"$dir/dc$n.out" 2>"$dir/dc$n.err.raw"
        echo "$?" >"$dir/dc$n.rc"
        sed 's/^driverctl: /vfioctl: /' "$dir/dc$n.err.raw" >"$dir/dc$n.err"
    done <"$dir/cmds"
}
compare() { # dir n label  -> adds a reason on mismatch
    local d=$1 n=$2 what
    for what in out err rc; do
        if ! cmp -s "$d/dc$n.$what" "$d/$n.$what"; then
            bad "$3: $what differs"
            echo "--- driverctl $3 ($what)"; cat "$d/dc$n.$what"; echo "+++ vfioctl $3 ($what)"; cat "$d/$n.$what" 2>/dev/null || echo "(missing)"
        fi
    done
}
persisted_expect() {
    local f
    for f in /etc/driverctl.d/pci-*; do
        [ -f "$f" ] && echo "${f#/etc/driverctl.d/pci-} $(cat "$f")"
    done | sort
}

LIST_CMDS="list-devices
list-devices network
list-devices system
list-overrides
list-overrides network
list-persisted"

# list-* equal driverctl's, clean state and with overrides
list_state() { # label
    local d n=0 line
    d=$(new_batch "list-$1" <<<"$LIST_CMDS")
    run_driverctl "$d"
    run_batch "$d"
    while IFS= read -r line; do
        n=$((n + 1))
        if [ "$line" = list-persisted ]; then
            persisted_expect >"$d/exp.persisted"
            cmp -s "$d/exp.persisted" "$d/$n.out" && [ "$(rc_of "$d" $n)" = 0 ] || {
                bad "$1 list-persisted wrong"
                echo "--- expected"; cat "$d/exp.persisted"; echo "+++ vfioctl rc $(rc_of "$d" $n)"; cat "$d/$n.out" "$d/$n.err" 2>/dev/null
            }
        else
            compare "$d" "$n" "$1 $line"
        fi
    done <<<"$LIST_CMDS"
}
vf_list_compare() {
    list_state clean
    driverctl set-override "$E1000" vfio-pci 2>&1
    driverctl --nosave set-override "$RNG1" vfio-pci 2>&1
    echo vfio > "/etc/driverctl.d/pci-$EDU"     # persisted only, not applied
    list_state overrides
}

# bad device type: error text lists bash's associative-array order
vf_list_badtype() {
    local d
    d=$(new_batch list-badtype <<<"list-devices bogus")
    run_driverctl "$d"; run_batch "$d"; compare "$d" 1 "list-devices bogus"
}

# vfio-driver: the variant for edu, vfio-pci for the others
vf_vfio_driver() {
    local d n
    # Until its module is loaded, a variant's driver name cannot be known: vfioctl predicts it
    # from the module name (edu_vfio_pci); once loaded it reads the real one from sysfs.
    [ -d /sys/module/edu_vfio_pci ] && { rmmod edu_vfio_pci || bad "could not rmmod edu_vfio_pci first"; }
    d=$(new_batch vfio-driver <<EOF2
vfio-driver $EDU
vfio-driver $E1000
vfio-driver $RNG0
--json vfio-driver $EDU
EOF2
)
    run_batch "$d"
    for n in 1 2 3 4; do show "$d" $n; done
    [ "$(rc_of "$d" 1)" = 0 ] && [ "$(cat "$d/1.out")" = edu_vfio_pci ] || bad "edu (module unloaded): got '$(head -c 200 "$d/1.out")'"
    [ "$(rc_of "$d" 2)" = 0 ] && [ "$(cat "$d/2.out")" = vfio-pci ] || bad "e1000: got '$(head -c 200 "$d/2.out")'"
    [ "$(rc_of "$d" 3)" = 0 ] && [ "$(cat "$d/3.out")" = vfio-pci ] || bad "virtio-rng: got '$(head -c 200 "$d/3.out")'"
    grep -q '"module": "edu_vfio_pci"' "$d/4.out" && grep -q '"loaded": false' "$d/4.out" || bad "--json does not name module edu_vfio_pci, unloaded"
    modprobe edu_vfio_pci || bad "modprobe edu_vfio_pci failed"
    d=$(new_batch vfio-driver-loaded <<EOF2
vfio-driver $EDU
vfio-driver --all $EDU
EOF2
)
    run_batch "$d"
    for n in 1 2; do show "$d" $n; done
    [ "$(rc_of "$d" 1)" = 0 ] && [ "$(cat "$d/1.out")" = edu-vfio-variant ] || bad "edu (module loaded): got '$(head -c 200 "$d/1.out")'"
    [ "$(rc_of "$d" 2)" = 0 ] || bad "--all rc $(rc_of "$d" 2)"
    grep -qw edu-vfio-variant "$d/2.out" && grep -qw vfio-pci "$d/2.out" || bad "--all does not list both edu-vfio-variant and vfio-pci"
    is_drv "$EDU" "(none)" || bad "vfio-driver changed the binding of edu"
    is_drv "$E1000" e1000 || bad "vfio-driver changed the binding of e1000"
}

# set-override <edu> vfio: loads the variant's module and binds it
vf_set_vfio_variant() {
    local d
    # start with the variant's module unloaded so that loading it is tested
    [ -d /sys/module/edu_vfio_pci ] && { rmmod edu_vfio_pci || bad "could not rmmod edu_vfio_pci first"; }
    d=$(new_batch set-vfio-variant <<<"set-override $EDU vfio")
    run_batch "$d"; show "$d" 1
    [ "$(rc_of "$d" 1)" = 0 ] || bad "rc $(rc_of "$d" 1)"
    want "module edu_vfio_pci not loaded" test -d /sys/module/edu_vfio_pci
    is_drv "$EDU" edu-vfio-variant || bad "edu bound to $(drv_of "$EDU")"
    want "no /dev/vfio/<group>" test -c "/dev/vfio/$(group_of "$EDU")"
    want "no vfio-dev/" test -d "$P/$EDU/vfio-dev"
    want "persisted file does not hold 'vfio'" file_is "/etc/driverctl.d/pci-$EDU" vfio
    echo "driver_override now: $(override_of "$EDU")"
}

# set-override <e1000> vfio-pci, then unset-override: back on e1000
vf_e1000_roundtrip() {
    local d
    d=$(new_batch e1000-set <<<"set-override $E1000 vfio-pci")
    run_batch "$d"; show "$d" 1
    [ "$(rc_of "$d" 1)" = 0 ] || bad "set rc $(rc_of "$d" 1)"
    is_drv "$E1000" vfio-pci || bad "after set: bound to $(drv_of "$E1000")"
    want "after set: persisted file wrong" file_is "/etc/driverctl.d/pci-$E1000" vfio-pci
    d=$(new_batch e1000-unset <<<"unset-override $E1000")
    run_batch "$d"; show "$d" 1
    [ "$(rc_of "$d" 1)" = 0 ] || bad "unset rc $(rc_of "$d" 1)"
    is_drv "$E1000" e1000 || bad "after unset: bound to $(drv_of "$E1000")"
    want "after unset: persisted file left" test ! -e "/etc/driverctl.d/pci-$E1000"
    [ "$(override_of "$E1000")" = "(null)" ] || bad "after unset: driver_override is $(override_of "$E1000")"
}

# a bind the kernel refuses (vfio-pci rejects bridges) leaves the previous driver in place,
# exits non-zero and persists nothing; an unknown driver fails before anything is touched
vf_refused_bind() {
    local d r
    d=$(new_batch refused-bind <<EOF2
set-override $RP vfio-pci
set-override $E1000 no-such-driver
EOF2
)
    run_batch "$d"; show "$d" 1; show "$d" 2
    r=$(rc_of "$d" 1)
    [ "$r" != 0 ] && [ "$r" != missing ] || bad "bridge->vfio-pci rc $r"
    is_drv "$RP" pcieport || bad "root port left on $(drv_of "$RP"), not pcieport"
    want "bridge: failure was persisted" test ! -e "/etc/driverctl.d/pci-$RP"
    grep -q '^vfioctl: ' "$d/1.err" || bad "bridge: no 'vfioctl: ' error message"
    # driverctl: "driverctl: no such module: no-such-driver", exit 1
    [ "$(rc_of "$d" 2)" = 1 ] || bad "unknown driver rc $(rc_of "$d" 2), driverctl gives 1"
    [ "$(cat "$d/2.err")" = "vfioctl: no such module: no-such-driver" ] || bad "unknown driver: message differs from driverctl's"
    is_drv "$E1000" e1000 || bad "unknown driver: e1000 left on $(drv_of "$E1000")"
    want "unknown driver: failure was persisted" test ! -e "/etc/driverctl.d/pci-$E1000"
}

# load-override re-applies persisted overrides after they were cleared
vf_load_override() {
    local d n
    mkdir -p /etc/driverctl.d
    echo vfio-pci > "/etc/driverctl.d/pci-$E1000"   # as driverctl writes it
    echo vfio > "/etc/driverctl.d/pci-$EDU"         # vfioctl's best-fit word
    want "e1000 not on e1000 before load" is_drv "$E1000" e1000
    d=$(new_batch load-override <<EOF2
load-override $E1000
load-override $EDU
load-override $RNG0
EOF2
)
    run_batch "$d"; for n in 1 2 3; do show "$d" $n; done
    [ "$(rc_of "$d" 1)" = 0 ] || bad "e1000 rc $(rc_of "$d" 1)"
    is_drv "$E1000" vfio-pci || bad "e1000 on $(drv_of "$E1000") after load-override"
    [ "$(rc_of "$d" 2)" = 0 ] || bad "edu rc $(rc_of "$d" 2)"
    is_drv "$EDU" edu-vfio-variant || bad "edu on $(drv_of "$EDU") after load-override"
    [ "$(rc_of "$d" 3)" = 1 ] || bad "no file: rc $(rc_of "$d" 3), driverctl gives 1"
    # clear by hand (override + rebind original), then load again
    restore_dev "$E1000" || bad "could not clear e1000 by hand"
    d=$(new_batch load-override-again <<<"load-override $E1000")
    run_batch "$d"; show "$d" 1
    [ "$(rc_of "$d" 1)" = 0 ] || bad "second load rc $(rc_of "$d" 1)"
    is_drv "$E1000" vfio-pci || bad "e1000 on $(drv_of "$E1000") after second load-override"
}

# --dry-run changes nothing, --nosave binds without persisting
vf_dry_run_nosave() {
    local d
    d=$(new_batch dry-run-nosave <<EOF2
--dry-run set-override $E1000 vfio-pci
--nosave set-override $EDU vfio-pci
EOF2
)
    run_batch "$d"; show "$d" 1; show "$d" 2
    [ "$(rc_of "$d" 1)" = 0 ] || bad "dry-run rc $(rc_of "$d" 1)"
    is_drv "$E1000" e1000 || bad "dry-run rebound e1000 to $(drv_of "$E1000")"
    [ "$(override_of "$E1000")" = "(null)" ] || bad "dry-run set driver_override to $(override_of "$E1000")"
    want "dry-run persisted" test ! -e "/etc/driverctl.d/pci-$E1000"
    [ "$(rc_of "$d" 2)" = 0 ] || bad "nosave rc $(rc_of "$d" 2)"
    is_drv "$EDU" vfio-pci || bad "nosave: edu on $(drv_of "$EDU")"
    want "nosave persisted" test ! -e "/etc/driverctl.d/pci-$EDU"
}

# one function of a shared IOMMU group: either bound, or cleanly refused; its group mate is
# never touched
vf_shared_group() {
    local d
    d=$(new_batch shared-group <<<"set-override $RNG0 vfio-pci")
    run_batch "$d"; show "$d" 1
    echo "group $(group_of "$RNG0"): $RNG0 -> $(drv_of "$RNG0"), $RNG1 -> $(drv_of "$RNG1")"
    if [ "$(rc_of "$d" 1)" = 0 ]; then
        is_drv "$RNG0" vfio-pci || bad "rc 0 but $RNG0 on $(drv_of "$RNG0")"
    else
        is_drv "$RNG0" "${ORIG[$RNG0]}" || bad "refused but $RNG0 left on $(drv_of "$RNG0")"
    fi
    is_drv "$RNG1" "${ORIG[$RNG1]}" || bad "group mate $RNG1 moved to $(drv_of "$RNG1")"
    [ "$(override_of "$RNG1")" = "(null)" ] || bad "group mate got driver_override $(override_of "$RNG1")"
}

# A device no host driver can claim (edu): unset-override hands it back unbound.
vf_unset_no_host_driver() {
    local d
    d=$(new_batch unset-no-host-driver <<EOF2
set-override $EDU vfio
unset-override $EDU
EOF2
)
    run_batch "$d"; show "$d" 1; show "$d" 2
    [ "$(rc_of "$d" 1)" = 0 ] || bad "set-override vfio rc $(rc_of "$d" 1)"
    [ "$(rc_of "$d" 2)" = 0 ] || bad "unset-override rc $(rc_of "$d" 2)"
    grep -q "no host driver can claim $EDU" "$d/2.err" || bad "unset-override did not say why edu stays unbound"
    is_drv "$EDU" "(none)" || bad "edu on $(drv_of "$EDU") after unset-override"
    [ "$(override_of "$EDU")" = "(null)" ] || bad "edu kept override $(override_of "$EDU")"
    want "the saved override of edu was kept" test ! -e "/etc/driverctl.d/pci-$EDU"
}

# A VFIO-bound device held open (as QEMU holds it) is refused, not unbound: the unbind would
# block until the holder lets go.
vf_held_device_refused() {
    local d g
    d=$(new_batch held-set <<<"set-override $E1000 vfio-pci")
    run_batch "$d"; show "$d" 1
    g=$(group_of "$E1000")
    if exec 7<>"/dev/vfio/$g"; then
        d=$(new_batch held-unset <<<"unset-override $E1000")
        run_batch "$d"; show "$d" 1
        [ "$(rc_of "$d" 1)" = 1 ] || bad "held device: rc $(rc_of "$d" 1), wanted 1"
        grep -q "is in use by pid $$ .* through /dev/vfio/$g" "$d/1.err" || bad "no message naming this shell as the holder"
        is_drv "$E1000" vfio-pci || bad "held device moved to $(drv_of "$E1000")"
        exec 7<&-
    else
        bad "could not open /dev/vfio/$g"
    fi
    d=$(new_batch held-released <<<"unset-override $E1000")
    run_batch "$d"; show "$d" 1
    [ "$(rc_of "$d" 1)" = 0 ] && is_drv "$E1000" e1000 || bad "after letting go: rc $(rc_of "$d" 1), on $(drv_of "$E1000")"
}

GATE=$VF_WHY
check vf1-list-compare vf_list_compare
check vf2-list-badtype vf_list_badtype reset_all
check vf3-vfio-driver vf_vfio_driver reset_all
check vf4-set-vfio-variant vf_set_vfio_variant reset_all
check vf5-e1000-roundtrip vf_e1000_roundtrip reset_all
check vf6-refused-bind vf_refused_bind reset_all
check vf7-load-override vf_load_override reset_all
check vf8-dry-run-nosave vf_dry_run_nosave reset_all
check vf9-shared-group vf_shared_group reset_all
check vf10-unset-no-host-driver vf_unset_no_host_driver reset_all
check vf11-held-device-refused vf_held_device_refused reset_all
GATE=

# ====================================================== the user's entry points
# The checkout launcher (bin/vfioctl), as a user runs it, on this guest's CPU, while the checkout
# holds a start-up cache trained on the host's CPU (test/vm/run trains it).
vf_launcher_other_cpu() {
    local settings=$VMTEST_REPO/target/cache/launch host_cpu host_cache jv out rc
    host_cpu=$(sed -n 's/^cpu=//p' "$settings" 2>/dev/null)
    host_cache=$(sed -n 's/^cache=-XX:[A-Za-z]*=//p' "$settings" 2>/dev/null)
    . "$VMTEST_REPO/dist/launcher/jvm-options"   # cpu_features, as the launcher computes it
    cpu_features
    guest_cpu=$cpu_features
    [ -n "$host_cpu" ] || bad "no host-trained settings in $settings"
    [ "$host_cpu" != "$guest_cpu" ] || bad "the guest CPU has the host's features: this check proves nothing (change qemu -cpu)"
    echo "host CPU features: $(wc -w <<<"$host_cpu"), guest: $(wc -w <<<"$guest_cpu"), only on the host: $(comm -23 <(tr ' ' '\n' <<<"$host_cpu" | sort) <(tr ' ' '\n' <<<"$guest_cpu" | sort) | xargs)"
    if [ -f "$host_cache" ]; then
        # The control: the host's cache used directly, as the old launcher did.
        jv=$(sed -n 's/^java=//p' "$settings")
        (cd "$WORK" && "$jv" $jvm_opts "$(sed -n 's/^cache=//p' "$settings")" -XX:ErrorFile="$WORK/control_hs_err.log" \
            -cp "$VMTEST_REPO/target/vfioctl.jar" io.vfioctl.cli.Main vfio-driver "$EDU" >"$WORK/control.out" 2>&1)
        echo "control, the host's cache used as is: exit $? ($(grep -m1 -oE 'SIG[A-Z]+' "$WORK/control.out" || echo 'no signal'))"
    fi
    mkdir -p "$WORK/cwd"
    out=$(cd "$WORK/cwd" && VFIOCTL_LAUNCHER_DEBUG=1 "$VMTEST_REPO/bin/vfioctl" vfio-driver "$EDU" 2>"$WORK/l9.err"); rc=$?
    echo "bin/vfioctl vfio-driver $EDU -> rc $rc: $out"; cat "$WORK/l9.err"
    [ "$rc" = 0 ] || bad "bin/vfioctl exit $rc"
    case $out in edu-vfio-variant|edu_vfio_pci) ;; *) bad "bin/vfioctl answered '$out'" ;; esac
    grep -q '(no cache)' "$WORK/l9.err" || bad "the launcher used the host's cache on another CPU"
    [ -z "$(ls "$WORK/cwd")" ] || bad "files left in the working directory: $(ls "$WORK/cwd")"
}

# The Debian package: installs (replacing driverctl), trains its cache on this CPU.
vf_package_install() {
    local out
    dpkg -r driverctl >"$WORK/dpkg-r-dc.log" 2>&1 || bad "removing driverctl failed"
    dpkg -i "$VMTEST_DEB" >"$WORK/dpkg-i.log" 2>&1 || bad "dpkg -i exit $?"
    cat "$WORK/dpkg-i.log"
    want "/usr/sbin/vfioctl missing" test -x /usr/sbin/vfioctl
    [ "$(readlink /usr/sbin/driverctl)" = vfioctl ] || bad "/usr/sbin/driverctl is not a link to vfioctl"
    [ "$(sed -n 's/^cpu=//p' /var/cache/vfioctl/launch 2>/dev/null)" = "$guest_cpu" ] || bad "the installed cache was not trained for this CPU"
    ls /var/cache/vfioctl
    out=$(VFIOCTL_LAUNCHER_DEBUG=1 /usr/sbin/vfioctl --version 2>"$WORK/l10.err") || bad "vfioctl --version failed"
    cat "$WORK/l10.err"
    grep -q '(no cache)' "$WORK/l10.err" && bad "the installed launcher runs without its cache"
    out=$(/usr/sbin/driverctl list-devices bogus 2>&1)
    [ "$out" = "driverctl: device type must be one of: all storage network display multimedia memory bridge communication system input docking processor serial" ] ||
        [ "${out#driverctl: }" != "$out" ] || bad "driverctl link does not speak as driverctl: $out"
}

# The boot path: the boot unit's own command line applies both saved overrides; a second run,
# and the per-device unit's command, write nothing to sysfs.
sysfs_writes() { grep -E 'open(at)?\(.*"/sys/[^"]*".*O_(WRONLY|RDWR)' "$1" | grep -v ENOENT; }
vf_boot_path() {
    local boot_cmd dev_cmd cond out rc w
    mkdir -p /etc/driverctl.d
    echo vfio >"/etc/driverctl.d/pci-$EDU"
    echo vfio-pci >"/etc/driverctl.d/pci-$E1000"
    boot_cmd=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/vfioctl-load-overrides.service)
    dev_cmd=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/vfioctl@.service)
    echo "boot unit: $boot_cmd; device unit: $dev_cmd"
    out=$($boot_cmd 2>&1); rc=$?
    echo "first run -> rc $rc: $out"
    [ "$rc" = 0 ] || bad "boot unit command exit $rc"
    is_drv "$EDU" edu-vfio-variant || bad "edu on $(drv_of "$EDU") after boot"
    is_drv "$E1000" vfio-pci || bad "e1000 on $(drv_of "$E1000") after boot"
    out=$(strace -f -qq -e trace=open,openat -o "$WORK/boot2.strace" $boot_cmd 2>&1); rc=$?
    echo "second run -> rc $rc: $out"
    [ "$rc" = 0 ] || bad "second run exit $rc"
    [ "$out" = "load-override: 0 applied, 2 already in effect, 0 failed, 0 absent" ] || bad "second run: $out"
    w=$(sysfs_writes "$WORK/boot2.strace"); [ -z "$w" ] || { bad "second run wrote to sysfs"; echo "$w"; }
    cond=$(sed -n 's/^ExecCondition=//p' /usr/lib/systemd/system/vfioctl@.service)
    ${cond/\%i/pci-$E1000}; rc=$?
    echo "device unit's condition ($cond) for e1000 -> $rc"
    [ "$rc" = 1 ] || bad "the device unit's condition would start a JVM for an override in effect (exit $rc)"
    out=$(strace -f -qq -e trace=open,openat -o "$WORK/dev.strace" ${dev_cmd/\%I/pci\/$E1000} 2>&1); rc=$?
    [ "$rc" = 0 ] || bad "device unit command exit $rc: $out"
    w=$(sysfs_writes "$WORK/dev.strace"); [ -z "$w" ] || { bad "device unit command wrote to sysfs"; echo "$w"; }
    grep -cE 'open(at)?\(.*"/sys/' "$WORK/boot2.strace" | sed 's/^/sysfs files opened by the second run: /'
}

# Nothing lost: a handover of e1000 held in the middle (strace delays the write to
# drivers_probe), then SIGTERM (what systemd sends when a unit times out) rolls it back at once;
# kill -9 leaves it half made, and 'vfioctl recover' puts e1000 back.
held_handover() { # strace output file: starts set-override with the probe delayed 8 s
    strace -f -qq --seccomp-bpf -o /dev/null -P /sys/bus/pci/drivers_probe -e trace=write \
        -e inject=write:delay_enter=8000000 /usr/sbin/vfioctl set-override "$E1000" vfio-pci \
        >"$WORK/$1.out" 2>"$WORK/$1.err" &
    HELD=$!
    local i java=
    for i in $(seq 1 120); do
        java=$(pgrep -f "^/[^ ]*/bin/java .*io.vfioctl.cli.Main set-override $E1000")
        [ -n "$java" ] && [ "$(override_of "$E1000")" = vfio-pci ] && [ ! -L "$P/$E1000/driver" ] && break
        java=
        sleep 0.5
    done
    JAVA_PID=$java
    echo "$1: vfioctl (pid ${JAVA_PID:-none}) caught with override $(override_of "$E1000"), driver $(drv_of "$E1000")"
}
vf_signal_and_kill() {
    local out rc
    rm -rf /etc/driverctl.d; restore_dev "$E1000"; restore_dev "$EDU"
    held_handover term
    if [ -n "$JAVA_PID" ]; then
        kill -TERM "$JAVA_PID"; wait "$HELD"; rc=$?
        echo "SIGTERM -> exit $rc"; cat "$WORK/term.err"
        [ "$rc" = 143 ] || bad "SIGTERM: exit $rc, not 143"
        is_drv "$E1000" e1000 || bad "SIGTERM left e1000 on $(drv_of "$E1000")"
        [ "$(override_of "$E1000")" = "(null)" ] || bad "SIGTERM left override $(override_of "$E1000")"
        want "SIGTERM saved an override" test ! -e "/etc/driverctl.d/pci-$E1000"
        grep -q "interrupted by a signal" "$WORK/term.err" || bad "SIGTERM: no message"
    else
        bad "never caught the first handover in the middle"; kill "$HELD" 2>/dev/null; wait "$HELD"
    fi
    restore_dev "$E1000"
    held_handover kill
    if [ -n "$JAVA_PID" ]; then
        kill -KILL "$JAVA_PID"; wait "$HELD"
        echo "after kill -9: override $(override_of "$E1000"), driver $(drv_of "$E1000"), journal: $(ls /run/vfioctl/journal 2>/dev/null)"
        [ -n "$(ls /run/vfioctl/journal 2>/dev/null)" ] || bad "kill -9 left no journal entry"
        out=$(/usr/sbin/vfioctl recover 2>"$WORK/recover.err"); rc=$?
        echo "vfioctl recover -> rc $rc: $out"; cat "$WORK/recover.err"
        [ "$rc" = 0 ] && [ "$out" = "recover: 1 rolled back, 0 failed" ] || bad "recover: rc $rc, $out"
        is_drv "$E1000" e1000 || bad "recover left e1000 on $(drv_of "$E1000")"
        [ "$(override_of "$E1000")" = "(null)" ] || bad "recover left override $(override_of "$E1000")"
        want "journal entry left after recover" test -z "$(ls /run/vfioctl/journal 2>/dev/null)"
    else
        bad "never caught the second handover in the middle"; kill "$HELD" 2>/dev/null; wait "$HELD"
    fi
}

# detach and reattach through the installed launcher: not saved, the original recorded and
# restored exactly.
V=/usr/sbin/vfioctl
vf_detach_reattach() {
    local out rc
    out=$($V detach "$E1000" 2>&1); rc=$?
    echo "detach $E1000 -> rc $rc $out"
    [ "$rc" = 0 ] || bad "detach rc $rc"
    is_drv "$E1000" vfio-pci || bad "detach left e1000 on $(drv_of "$E1000")"
    file_is "/run/vfioctl/detached/pci-$E1000" "driver=e1000
override=" || bad "no record of the original driver"
    want "detach saved an override" test ! -e "/etc/driverctl.d/pci-$E1000"
    $V status "$E1000" >"$WORK/status.out" 2>&1; cat "$WORK/status.out"
    grep -q "driver       vfio-pci (VFIO)" "$WORK/status.out" || bad "status does not call vfio-pci a VFIO driver"
    grep -q "detached     from e1000 (override none)" "$WORK/status.out" || bad "status does not show the record"
    grep -q "iommu group  $(group_of "$E1000"), viable for VFIO" "$WORK/status.out" || bad "status: group not viable"
    out=$($V reattach "$E1000" 2>&1); rc=$?
    echo "reattach $E1000 -> rc $rc $out"
    [ "$rc" = 0 ] || bad "reattach rc $rc"
    is_drv "$E1000" e1000 || bad "reattach left e1000 on $(drv_of "$E1000")"
    [ "$(override_of "$E1000")" = "(null)" ] || bad "reattach left override $(override_of "$E1000")"
    want "record left after reattach" test ! -e "/run/vfioctl/detached/pci-$E1000"
    # a device no host driver can claim goes back to no driver
    $V detach "$EDU" >/dev/null 2>&1 && is_drv "$EDU" edu-vfio-variant || bad "detach edu: $(drv_of "$EDU")"
    $V status --json "$EDU" | grep -q '"vfio_bound": true' || bad "status --json: edu not vfio_bound"
    out=$($V reattach "$EDU" 2>&1) || bad "reattach edu failed: $out"
    is_drv "$EDU" "(none)" || bad "reattach edu left it on $(drv_of "$EDU")"
}

# A device the host uses: e1000 with its interface up and an address is refused, one line,
# nothing changed; --force takes it.
vf_in_use_refused() {
    local ifc out rc
    ifc=$(ls "$P/$E1000/net" 2>/dev/null | head -n 1)
    if [ -n "$ifc" ] && ip link set "$ifc" up && ip addr add 10.99.0.1/24 dev "$ifc"; then
        ip -brief addr show "$ifc"
        out=$($V detach "$E1000" 2>&1); rc=$?
        echo "detach $E1000 -> rc $rc: $out"
        [ "$rc" = 1 ] || bad "in use: rc $rc, wanted 1"
        [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || bad "in use: more than one line"
        case $out in *"$E1000 is in use: its interface $ifc is up"*"--force"*) ;; *) bad "in use: message '$out'" ;; esac
        is_drv "$E1000" e1000 || bad "refused, but e1000 moved to $(drv_of "$E1000")"
        want "refusal left a record" test ! -e "/run/vfioctl/detached/pci-$E1000"
        out=$($V detach --force "$E1000" 2>&1); rc=$?
        echo "detach --force -> rc $rc: $out"
        [ "$rc" = 0 ] && is_drv "$E1000" vfio-pci || bad "--force: rc $rc, on $(drv_of "$E1000")"
        $V reattach "$E1000" >/dev/null 2>&1 && is_drv "$E1000" e1000 || bad "reattach after --force: $(drv_of "$E1000")"
    else
        bad "could not bring up an interface of e1000 (${ifc:-none})"
    fi
}

# A two-function group moved with --group, all or nothing: the second function's probe made to
# fail (strace injects EIO into the second write to drivers_probe) puts the first back too.
vf_group_all_or_nothing() {
    local out rc
    out=$($V detach --group "$RNG1" 2>&1); rc=$?
    echo "detach --group $RNG1 -> rc $rc $out"
    [ "$rc" = 0 ] || bad "detach --group rc $rc"
    is_drv "$RNG0" vfio-pci && is_drv "$RNG1" vfio-pci || bad "--group: $RNG0 on $(drv_of "$RNG0"), $RNG1 on $(drv_of "$RNG1")"
    $V status "$RNG0" | grep -q "viable for VFIO" || bad "status: the moved group is not viable"
    out=$($V reattach --group "$RNG0" 2>&1); rc=$?
    [ "$rc" = 0 ] || bad "reattach --group rc $rc: $out"
    is_drv "$RNG0" "${ORIG[$RNG0]}" && is_drv "$RNG1" "${ORIG[$RNG1]}" || bad "reattach --group: $(drv_of "$RNG0"), $(drv_of "$RNG1")"
    out=$(strace -f -qq -o /dev/null -P /sys/bus/pci/drivers_probe -e trace=write -e inject=write:error=EIO:when=2 \
        $V detach --group "$RNG0" 2>&1); rc=$?
    echo "with the second probe failing -> rc $rc: $out"
    [ "$rc" = 1 ] || bad "failed group: rc $rc, wanted 1"
    case $out in *"restored 1 device moved before it"*) ;; *) bad "failed group: message '$out'" ;; esac
    is_drv "$RNG0" "${ORIG[$RNG0]}" && is_drv "$RNG1" "${ORIG[$RNG1]}" || bad "not all or nothing: $RNG0 on $(drv_of "$RNG0"), $RNG1 on $(drv_of "$RNG1")"
    [ "$(override_of "$RNG0")" = "(null)" ] && [ "$(override_of "$RNG1")" = "(null)" ] || bad "overrides left: $(override_of "$RNG0") $(override_of "$RNG1")"
    want "records left after the failed group" test -z "$(ls /run/vfioctl/detached 2>/dev/null)"
    want "journal left after the failed group" test -z "$(ls /run/vfioctl/journal 2>/dev/null)"
}

# A libvirt domain: edu left to its best fit (the variant), e1000 forced to vfio-pci by model,
# both managed='no'; prepare and release through the installed launcher.
xml() { # address -> the attributes of <address>
    echo "domain='0x${1%%:*}' bus='0x$(cut -d: -f2 <<<"$1")' slot='0x$(cut -d: -f3 <<<"$1" | cut -d. -f1)' function='0x${1##*.}'"
}
vf_domain_prepare_release() {
    local out rc
    cat >"$WORK/guest.xml" <<EOF2
<domain type='kvm'>
  <name>guest1</name>
  <uuid>6f6f0a5e-1c4d-4bd5-9a5b-3c1f0e6a8b01</uuid>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='no'>
      <source><address $(xml "$EDU")/></source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='no'>
      <driver name='vfio' model='vfio-pci'/>
      <source><address $(xml "$E1000")/></source>
    </hostdev>
  </devices>
</domain>
EOF2
    $V domain check "$WORK/guest.xml" >"$WORK/check.out" 2>&1; rc=$?
    cat "$WORK/check.out"
    [ "$rc" = 0 ] || bad "check before prepare: rc $rc (the installed hook would detach them)"
    grep -qE "driver       (edu-vfio-variant|edu_vfio_pci) \(best fit: vfio_pci:v00001234d000011E8" "$WORK/check.out" ||
        bad "check: edu not given its variant"
    grep -q "driver       vfio-pci (<driver model='vfio-pci'/>)" "$WORK/check.out" || bad "check: e1000 not given the model"
    out=$($V domain prepare "$WORK/guest.xml" 2>&1); rc=$?
    echo "prepare -> rc $rc: $out"
    [ "$rc" = 0 ] || bad "prepare rc $rc"
    is_drv "$EDU" edu-vfio-variant || bad "prepare: edu on $(drv_of "$EDU")"
    is_drv "$E1000" vfio-pci || bad "prepare: e1000 on $(drv_of "$E1000")"
    $V --json domain check - <"$WORK/guest.xml" | grep -q '"ok": true' || bad "check after prepare is not ok"
    out=$($V domain release "$WORK/guest.xml" 2>&1); rc=$?
    echo "release -> rc $rc: $out"
    [ "$rc" = 0 ] || bad "release rc $rc"
    is_drv "$EDU" "(none)" || bad "release: edu on $(drv_of "$EDU")"
    is_drv "$E1000" e1000 || bad "release: e1000 on $(drv_of "$E1000")"
}

# The installed qemu hook, run as libvirt runs it: arguments, XML on stdin, stdout empty.
H=/etc/libvirt/hooks/qemu.d/vfioctl
vf_libvirt_hook() {
    local call out rc
    want "the package installed no hook" test -x "$H"
    "$H" guest1 prepare begin - <"$WORK/guest.xml" >"$WORK/h.out" 2>"$WORK/h.err"; rc=$?
    echo "prepare begin -> rc $rc"; cat "$WORK/h.err"
    [ "$rc" = 0 ] && [ ! -s "$WORK/h.out" ] || bad "prepare begin: rc $rc, stdout '$(cat "$WORK/h.out")'"
    is_drv "$EDU" edu-vfio-variant && is_drv "$E1000" vfio-pci || bad "hook prepare: edu on $(drv_of "$EDU"), e1000 on $(drv_of "$E1000")"
    for call in "start begin -" "started begin -" "migrate begin -" "restore begin -" "stopped end -"; do
        # shellcheck disable=SC2086 # three words
        out=$("$H" guest1 $call <"$WORK/guest.xml" 2>&1); rc=$?
        [ "$rc:$out" = "0:" ] || bad "hook $call: rc $rc, output '$out'"
    done
    "$H" guest1 release end shutdown <"$WORK/guest.xml" >"$WORK/h.out" 2>"$WORK/h.err"; rc=$?
    echo "release end -> rc $rc"; cat "$WORK/h.err"
    [ "$rc" = 0 ] && [ ! -s "$WORK/h.out" ] || bad "release end: rc $rc"
    is_drv "$EDU" "(none)" && is_drv "$E1000" e1000 || bad "hook release: edu on $(drv_of "$EDU"), e1000 on $(drv_of "$E1000")"
    sed "s/slot='0x$(cut -d: -f3 <<<"$EDU" | cut -d. -f1)'/slot='0x1e'/" "$WORK/guest.xml" >"$WORK/bad.xml"
    out=$("$H" guest1 prepare begin - <"$WORK/bad.xml" 2>&1); rc=$?
    echo "prepare begin of a domain with a missing device -> rc $rc: $out"
    [ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || bad "failing prepare: rc $rc, '$out'"
    is_drv "$E1000" e1000 || bad "failing prepare moved e1000 to $(drv_of "$E1000")"
}
saved_for_removal() { # what vf21 and vf23 expect the package to keep
    restore_dev "$E1000"; restore_dev "$EDU"
    mkdir -p /etc/driverctl.d
    echo vfio >"/etc/driverctl.d/pci-$EDU"
    echo vfio-pci >"/etc/driverctl.d/pci-$E1000"
}

# Remove runs cleanly and keeps the saved overrides.
vf_package_remove() {
    dpkg -r vfioctl >"$WORK/dpkg-r.log" 2>&1 || bad "dpkg -r exit $?"
    cat "$WORK/dpkg-r.log"
    want "/usr/sbin/vfioctl still there after remove" test ! -e /usr/sbin/vfioctl
    file_is "/etc/driverctl.d/pci-$E1000" vfio-pci || bad "remove lost a saved override"
    grep -qiE 'warning|error' "$WORK/dpkg-r.log" && bad "dpkg printed warnings or errors"
}

# The hook is a conffile, so it outlives a removed package; libvirt runs it for every guest.
# Without vfioctl it lets a guest with host devices start: exit 0, silent, nothing moved.
vf_hook_without_package() {
    local call rc
    [ -x "$H" ] || bad "no hook left after dpkg -r: this check proves nothing"
    for call in "prepare begin -" "release end shutdown"; do
        # shellcheck disable=SC2086 # three words
        "$H" guest1 $call <"$WORK/guest.xml" >"$WORK/h.out" 2>"$WORK/h.err"; rc=$?
        echo "$call -> rc $rc"; cat "$WORK/h.out" "$WORK/h.err"
        [ "$rc" = 0 ] && [ ! -s "$WORK/h.out" ] && [ ! -s "$WORK/h.err" ] || bad "$call: rc $rc, output '$(cat "$WORK/h.out" "$WORK/h.err")'"
    done
    is_drv "$EDU" "(none)" && is_drv "$E1000" e1000 || bad "the hook moved edu to $(drv_of "$EDU"), e1000 to $(drv_of "$E1000")"
}

# Purge runs cleanly, removes the cache and keeps the saved overrides.
vf_package_purge() {
    dpkg -P vfioctl >"$WORK/dpkg-p.log" 2>&1 || bad "dpkg -P exit $?"
    cat "$WORK/dpkg-p.log"
    want "/var/cache/vfioctl left after purge" test ! -e /var/cache/vfioctl
    file_is "/etc/driverctl.d/pci-$EDU" vfio || bad "purge lost a saved override"
    grep -qiE 'warning|error' "$WORK/dpkg-p.log" && bad "dpkg printed warnings or errors"
}

# The package again after the purge, for the binding rules below: a clean install that trains
# a new start-up cache.
vf_package_reinstall() {
    dpkg -i "$VMTEST_DEB" >"$WORK/dpkg-i2.log" 2>&1 || bad "dpkg -i exit $?"
    cat "$WORK/dpkg-i2.log"
    want "/usr/sbin/vfioctl missing" test -x /usr/sbin/vfioctl
    grep -qiE 'warning|error' "$WORK/dpkg-i2.log" && bad "dpkg printed warnings or errors"
    [ "$(sed -n 's/^cpu=//p' /var/cache/vfioctl/launch 2>/dev/null)" = "$guest_cpu" ] || bad "the reinstalled cache was not trained for this CPU"
}

# ------------------------------------------------------------ binding rules
# One rule per file in /etc/vfioctl/bind.d, applied through the installed launcher; what the
# rules took is recorded in /run/vfioctl/rules/owned.
R=/etc/vfioctl/bind.d OWNED=/run/vfioctl/rules/owned
rule() { # file match-lines... -- bind-lines...: writes $R/file
    local f=$R/$1; shift
    mkdir -p "$R"
    { echo '[Match]'; while [ "$1" != -- ]; do echo "$1"; shift; done; shift
      echo '[Bind]'; printf '%s\n' "$@"; } >"$f"
    echo "# $f"; sed 's/^/  /' "$f"
}
rules_run() { # label args...: runs vfioctl rules ARGS, leaves $WORK/<label>.{out,err} and RC
    local label=$1; shift
    $V rules "$@" >"$WORK/$label.out" 2>"$WORK/$label.err"; RC=$?
    echo "vfioctl rules $* -> rc $RC"; cat "$WORK/$label.out"; sed 's/^/!! /' "$WORK/$label.err"
}
owned_is() { # expected lines of the ownership record (sorted), empty for no record
    local got; got=$(cat "$OWNED" 2>/dev/null)
    [ "$got" = "$1" ] || { bad "ownership record: '$(tr '\n' '|' <<<"$got")', wanted '$(tr '\n' '|' <<<"$1")'"; return 1; }
}
# no rule, no record, every device on its boot-time driver: plain file and sysfs work, no JVM
rules_reset() {
    local d
    rm -rf "$R" /etc/driverctl.d
    rm -f "$OWNED" /run/vfioctl/rules/match.sh
    for d in $EDU $E1000 $RNG0 $RNG1; do restore_dev "$d" || echo "reset: $d is $(drv_of "$d"), wanted ${ORIG[$d]}"; done
}
others_unmoved() { # devices... that must still be on their boot-time driver
    local d
    for d in "$@"; do is_drv "$d" "${ORIG[$d]}" || bad "$d moved to $(drv_of "$d")"; done
}

# Vendor and Device select edu; Driver=vfio gives it its variant.
vf_rules_vendor_device() {
    rule 50-edu.conf Vendor=1234 Device=11e8 -- Driver=vfio
    rules_run list list
    [ "$RC" = 0 ] || bad "list rc $RC"
    grep -q "^$R/50-edu.conf:[0-9]*: .*-> vfio" "$WORK/list.out" || bad "list does not show the rule"
    rules_run apply apply
    [ "$RC" = 0 ] || bad "apply rc $RC"
    [ "$(cat "$WORK/apply.out")" = "rules apply: 1 bound, 0 returned, 0 already in effect, 0 failed" ] || bad "apply summary: $(cat "$WORK/apply.out")"
    is_drv "$EDU" edu-vfio-variant || bad "edu on $(drv_of "$EDU"), not its variant"
    want "no /dev/vfio/<group> for edu" test -c "/dev/vfio/$(group_of "$EDU")"
    owned_is "$EDU 50-edu.conf -"
    want "apply saved an override" test ! -e "/etc/driverctl.d/pci-$EDU"
    rules_run check check
    grep -q "^$EDU $R/50-edu.conf:[0-9]*: edu-vfio-variant, in effect" "$WORK/check.out" || bad "check does not show edu's variant in effect"
    others_unmoved "$E1000" "$RNG0" "$RNG1"
}

# Class (six hex digits) selects the e1000; Driver=vfio is vfio-pci for it.
vf_rules_class() {
    rule 50-net.conf Class=020000 -- Driver=vfio
    rules_run apply apply
    [ "$RC" = 0 ] || bad "apply rc $RC"
    [ "$(cat "$WORK/apply.out")" = "rules apply: 1 bound, 0 returned, 0 already in effect, 0 failed" ] || bad "apply summary: $(cat "$WORK/apply.out")"
    is_drv "$E1000" vfio-pci || bad "e1000 on $(drv_of "$E1000"), not vfio-pci"
    owned_is "$E1000 50-net.conf e1000"
    others_unmoved "$EDU" "$RNG0" "$RNG1"
}

# A Driver=none rule read first (10-) keeps the e1000 that the class rule read after it (50-)
# would take; the other rule still applies.
vf_rules_none_excludes() {
    rule 10-keep-e1000.conf Vendor=8086 Device=100e -- Driver=none
    rule 50-net.conf Class=network -- Driver=vfio
    rule 50-edu.conf Vendor=1234 Device=11e8 -- Driver=vfio
    rules_run check check
    grep -q "^$E1000 $R/10-keep-e1000.conf:[0-9]*: keeps its host driver, in effect; also matches $R/50-net.conf:[0-9]*, shadowed" "$WORK/check.out" ||
        bad "check does not show e1000 kept by 10-keep-e1000.conf, 50-net.conf shadowed"
    rules_run apply apply
    [ "$RC" = 0 ] || bad "apply rc $RC"
    is_drv "$E1000" e1000 || bad "e1000 taken to $(drv_of "$E1000") despite the none rule"
    [ "$(override_of "$E1000")" = "(null)" ] || bad "e1000 got driver_override $(override_of "$E1000")"
    is_drv "$EDU" edu-vfio-variant || bad "edu on $(drv_of "$EDU"): the other rule did not apply"
    owned_is "$EDU 50-edu.conf -"
}

# Removing a rule file returns exactly what that rule took (a Group=yes rule: both virtio-rng
# functions); the other rule's device and the devices no rule took stay where they are.
vf_rules_removed_returns() {
    rule 50-edu.conf Vendor=1234 Device=11e8 -- Driver=vfio
    rule 60-rng.conf Vendor=1af4 "Device=$(cat "$P/$RNG0/device")" -- Driver=vfio-pci Group=yes
    rules_run apply apply
    [ "$RC" = 0 ] || bad "apply rc $RC"
    is_drv "$EDU" edu-vfio-variant && is_drv "$RNG0" vfio-pci && is_drv "$RNG1" vfio-pci ||
        bad "after apply: edu on $(drv_of "$EDU"), $RNG0 on $(drv_of "$RNG0"), $RNG1 on $(drv_of "$RNG1")"
    owned_is "$EDU 50-edu.conf -
$RNG0 60-rng.conf ${ORIG[$RNG0]}
$RNG1 60-rng.conf ${ORIG[$RNG1]}"
    rm "$R/60-rng.conf"; echo "# removed $R/60-rng.conf"
    rules_run apply-again apply
    [ "$RC" = 0 ] || bad "second apply rc $RC"
    [ "$(cat "$WORK/apply-again.out")" = "rules apply: 0 bound, 2 returned, 1 already in effect, 0 failed" ] || bad "second apply summary: $(cat "$WORK/apply-again.out")"
    others_unmoved "$RNG0" "$RNG1" "$E1000"
    [ "$(override_of "$RNG0")" = "(null)" ] && [ "$(override_of "$RNG1")" = "(null)" ] || bad "overrides left: $(override_of "$RNG0") $(override_of "$RNG1")"
    is_drv "$EDU" edu-vfio-variant || bad "edu, owned by the remaining rule, moved to $(drv_of "$EDU")"
    owned_is "$EDU 50-edu.conf -"
}

# A second apply with everything in effect opens no sysfs file for writing (strace).
vf_rules_apply_idempotent() {
    local w
    rule 50-edu.conf Vendor=1234 Device=11e8 -- Driver=vfio
    rule 50-net.conf Class=network -- Driver=vfio
    rules_run apply apply
    [ "$RC" = 0 ] && is_drv "$EDU" edu-vfio-variant && is_drv "$E1000" vfio-pci ||
        bad "first apply: rc $RC, edu on $(drv_of "$EDU"), e1000 on $(drv_of "$E1000")"
    strace -f -qq -e trace=open,openat,write -o "$WORK/rules2.strace" $V rules apply >"$WORK/apply2.out" 2>"$WORK/apply2.err"; RC=$?
    echo "second apply under strace -> rc $RC"; cat "$WORK/apply2.out" "$WORK/apply2.err"
    [ "$RC" = 0 ] || bad "second apply rc $RC"
    [ "$(cat "$WORK/apply2.out")" = "rules apply: 0 bound, 0 returned, 2 already in effect, 0 failed" ] || bad "second apply summary: $(cat "$WORK/apply2.out")"
    w=$(sysfs_writes "$WORK/rules2.strace"); [ -z "$w" ] || { bad "second apply opened sysfs files for writing"; echo "$w"; }
    grep -cE 'open(at)?\(.*"/sys/' "$WORK/rules2.strace" | sed 's/^/sysfs files opened by the second apply: /'
    grep -E 'open(at)?\(.*"/(run|etc)/vfioctl[^"]*".*O_(WRONLY|RDWR)' "$WORK/rules2.strace" | sed 's/^[0-9]* */other files opened for writing: /'
    is_drv "$EDU" edu-vfio-variant && is_drv "$E1000" vfio-pci || bad "second apply moved edu to $(drv_of "$EDU"), e1000 to $(drv_of "$E1000")"
}

check vf12-launcher-other-cpu vf_launcher_other_cpu
[ -n "${VMTEST_DEB:-}" ] && [ -f "$VMTEST_DEB" ] || GATE="no package built (VMTEST_DEB=${VMTEST_DEB:-})"
check vf13-package-install vf_package_install
check vf14-boot-path vf_boot_path
check vf15-signal-and-kill vf_signal_and_kill 'restore_dev "$E1000"; rm -rf /etc/driverctl.d'
check vf16-detach-reattach vf_detach_reattach 'restore_dev "$E1000"; restore_dev "$EDU"'
check vf17-in-use-refused vf_in_use_refused 'restore_dev "$E1000"'
check vf18-group-all-or-nothing vf_group_all_or_nothing 'restore_dev "$RNG0"; restore_dev "$RNG1"'
check vf19-domain-prepare-release vf_domain_prepare_release 'restore_dev "$E1000"; restore_dev "$EDU"'
check vf20-libvirt-hook vf_libvirt_hook saved_for_removal
check vf21-package-remove vf_package_remove
check vf22-hook-without-package vf_hook_without_package
check vf23-package-purge vf_package_purge reset_all
check vf24-package-reinstall vf_package_reinstall
[ -x /usr/sbin/vfioctl ] || GATE="no installed vfioctl for the binding rules"
check vf25-rules-vendor-device vf_rules_vendor_device rules_reset
check vf26-rules-class vf_rules_class rules_reset
check vf27-rules-none-excludes vf_rules_none_excludes rules_reset
check vf28-rules-removed-returns vf_rules_removed_returns rules_reset
check vf29-rules-apply-idempotent vf_rules_apply_idempotent rules_reset
exit 0
