# Helpers of the trixie guest's batches (sourced by run-batch after test/vm/lib/checks.sh).
# The machine (test/vm/trixie/run): 00:03.0 edu (variant test device), 00:04.0 e1000 (no network),
# 00:05.0 virtio-blk (root disk), pcie-root-ports 00:10.0 to 00:14.0 (rp1..rp5): rp1-rp3 empty for
# hot-plug, rp4 holds an igb (SR-IOV), rp5 is free for later issues.
EDU=0000:00:03.0 E1000=0000:00:04.0 ROOTDISK=0000:00:05.0
ROOT_PORTS=(- 0000:00:10.0 0000:00:11.0 0000:00:12.0 0000:00:13.0 0000:00:14.0)

# The address a device gets in root port N (its secondary bus, function 0).
behind() { # N
    printf '0000:%02x:00.0' "$(cat "$P/${ROOT_PORTS[$1]}/secondary_bus_number")"
}

# wait_until SECONDS COMMAND...: polls every half second; false when time runs out.
wait_until() {
    local end=$(($(date +%s) + $1)); shift
    until "$@" 2>/dev/null; do
        (($(date +%s) < end)) || return 1
        sleep 0.5
    done
}

# Asks the harness to send a QMP command to QEMU (it reads the console): qmp COMMAND JSON.
qmp() { echo "VMTEST QMP $1 $2" >&8; }

# A measurement for the report: the harness lists these lines in its summary.
info() { echo "VMTEST INFO $*" >&8; echo "$*"; }

unit_journal() { journalctl -b --no-pager -o short-monotonic -u "$1"; }

# Whether a unit ran its command in this boot: started, not skipped by a condition, and finished.
unit_ran() {
    local j; j=$(unit_journal "$1")
    grep -q 'Starting' <<<"$j" && ! grep -qE 'Skipped due to|Failed with result|Condition check resulted' <<<"$j" &&
        grep -qE 'Finished|Deactivated successfully' <<<"$j"
}

# The units systemd knows for a device (loaded, active or not).
units_of() { systemctl list-units --all --no-legend --plain 'vfioctl*' | awk '{print $1}' | grep -F -- "$1"; }

# A unit's time in systemd-analyze blame, in ms (empty when blame does not list it); a unit its
# condition skipped counts from its start to its end.
blame_ms() { # unit: its time in blame, in ms
    systemd-analyze blame --no-pager | awk -v u="$1" '$NF == u {
        t = 0; for (i = 1; i < NF; i++) { v = $i; if (v ~ /ms$/) t += v + 0; else if (v ~ /min$/) t += v * 60000; else if (v ~ /s$/) t += v * 1000 }
        printf "%d", t }'
}

# The boot unit's cost as systemd-analyze blame reports it, and a JVM's start on this machine
# now (java -version) to compare it with.
unit_blame() {
    local line t0 t1
    line=$(systemd-analyze blame --no-pager 2>/dev/null | grep -E 'vfioctl' | sed 's/^ *//')
    echo "${line:-nothing}"
    [ -n "$line" ] || { bad "systemd-analyze blame lists no vfioctl unit"; return; }
    t0=$(date +%s%N); java -version >/dev/null 2>&1; t1=$(date +%s%N)
    info "blame ($BATCH): $(echo "$line" | tr '\n' ',' | sed 's/,$//; s/,/, /g'); java -version now: $(((t1 - t0) / 1000000))ms"
}
