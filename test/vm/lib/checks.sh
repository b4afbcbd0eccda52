# The check framework of the VM guests (test/vm/scenarios.sh in the busybox guest, the batches of
# test/vm/trixie in the Debian one): sourced, with WORK set to a writable directory.
# Prints one line per check:
#   VMTEST PASS <name>
#   VMTEST FAIL <name> <reason>[; <reason>...]
# Detail lines start with "  | ".

# ---------------------------------------------------------------- checks
# check NAME BODY [CLEANUP]: one check. BODY is a function that calls bad/want for what went
# wrong; all it prints becomes detail lines. Then one VMTEST line, then the commands CLEANUP
# (their output as detail too). While GATE holds a reason, the check fails with it and nothing
# runs.
REASONS=() GATE=
uptime_s() { cut -d' ' -f1 /proc/uptime; }
bad() { REASONS+=("$*"); }
want() { # description command...
    local d=$1; shift
    "$@" >/dev/null 2>&1 || REASONS+=("$d")
}
check() {
    local name=$1 body=$2 cleanup=${3:-} t0 log=$WORK/log/$1
    REASONS=()
    if [ -n "$GATE" ]; then
        echo "VMTEST FAIL $name $GATE"
        return 1
    fi
    echo "  | $name ..." # where the guest was, if it never reports
    t0=$(uptime_s)
    declare -F "$body" >/dev/null || bad "no check function $body"
    "$body" >"$log" 2>&1 </dev/null
    sed 's/^/  | /' "$log"
    awk -v a="$t0" -v b="$(uptime_s)" -v n="$name" 'BEGIN{printf "  | %s took %.1fs\n", n, b-a}'
    if ((${#REASONS[@]})); then
        local IFS=';'
        echo "VMTEST FAIL $name ${REASONS[*]}"
    else
        echo "VMTEST PASS $name"
    fi
    [ -z "$cleanup" ] || eval "$cleanup" 2>&1 | sed 's/^/  | /'
    ((${#REASONS[@]} == 0))
}

# ------------------------------------------------------------- devices
P=/sys/bus/pci/devices
find_dev() { # vendor device [index]
    local n=0 d
    for d in $P/*; do
        if [ "$(cat "$d/vendor")" = "$1" ] && [ "$(cat "$d/device")" = "$2" ]; then
            if [ "$n" = "${3:-0}" ]; then basename "$d"; return 0; fi
            n=$((n + 1))
        fi
    done
    return 1
}
drv_of() { if [ -L "$P/$1/driver" ]; then basename "$(readlink "$P/$1/driver")"; else echo "(none)"; fi; }
group_of() { basename "$(readlink "$P/$1/iommu_group")"; }
override_of() { cat "$P/$1/driver_override"; }
is_drv() { [ "$(drv_of "$1")" = "$2" ]; }
file_is() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
