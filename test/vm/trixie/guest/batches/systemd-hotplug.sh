# First boot: the boot unit under real systemd and udev, then hot-plug through QEMU's monitor.
# The image comes with a saved override vfio-pci for the e1000 (00:04.0) and rules for the edu
# device (Driver=vfio: its variant) and for e1000e cards (vfio-pci).

boot_unit() {
    unit_journal vfioctl-load-overrides.service
    [ "$(systemctl is-active vfioctl-load-overrides.service)" = active ] ||
        bad "vfioctl-load-overrides.service is $(systemctl is-active vfioctl-load-overrides.service), not active"
    want "saved override of $E1000 missing" file_is "/etc/driverctl.d/pci-$E1000" vfio-pci
    is_drv "$E1000" vfio-pci || bad "$E1000 is on $(drv_of "$E1000"), not vfio-pci"
    is_drv "$EDU" edu-vfio-variant || bad "$EDU is on $(drv_of "$EDU"), not edu-vfio-variant"
    vfioctl status "$E1000" || bad "vfioctl status $E1000 failed"
}

unit_ordering() {
    local before after u t_unit t_target
    before=$(systemctl show -P Before vfioctl-load-overrides.service)
    echo "Before=$before"
    for u in network-pre.target libvirtd.service virtqemud.service; do
        case " $before " in *" $u "*) ;; *) bad "boot unit not ordered before $u" ;; esac
    done
    for u in libvirtd.service virtqemud.service; do
        after=$(systemctl show -P After "$u")
        case " $after " in *" vfioctl-load-overrides.service "*) ;;
        *) bad "$u not ordered after the boot unit" ;; esac
    done
    # What happened, not only what was declared: the unit finished before network-pre.target.
    t_unit=$(systemctl show -P ActiveEnterTimestampMonotonic vfioctl-load-overrides.service)
    t_target=$(systemctl show -P ActiveEnterTimestampMonotonic network-pre.target)
    echo "boot unit active at ${t_unit}us, network-pre.target at ${t_target}us"
    [ "${t_target:-0}" -gt 0 ] || bad "network-pre.target was not reached"
    [ "${t_unit:-0}" -gt 0 ] && [ "$t_unit" -le "${t_target:-0}" ] || bad "boot unit finished after network-pre.target"
}

# Every vfioctl unit, the templates as instances, as systemd-analyze verify sees them with this
# system's units. verify reads unit files, so a template is copied under an instance's name; a ':'
# in a file name means FILE:ALIAS to verify, so the instance spells the address's ':' as \x3a
# (its %I is the same pci/DDDD:BB:DD.F).
units_verify() {
    local f out dir=$WORK/verify
    mkdir -p "$dir"
    cp /usr/lib/systemd/system/vfioctl@.service "$dir/vfioctl@pci-${E1000//:/\\x3a}.service"
    cp /usr/lib/systemd/system/vfioctl-rules@.service "$dir/vfioctl-rules@pci-${EDU//:/\\x3a}.service"
    for f in /usr/lib/systemd/system/vfioctl-load-overrides.service "$dir"/*.service; do
        out=$(systemd-analyze verify "$f" 2>&1) || bad "systemd-analyze verify $(basename "$f") failed"
        echo "$(basename "$f"): ${out:-clean}"
        [ -z "$out" ] || bad "systemd-analyze verify $(basename "$f") is not clean"
    done
}

# An e1000 appears in rp1, whose address has a saved override: the udev rule starts vfioctl@.
hotplug_override() {
    local a; a=$(behind 1)
    echo vfio-pci >"/etc/driverctl.d/pci-$a"
    qmp device_add '{"driver":"e1000","bus":"rp1","id":"hp-e1000","netdev":"n2"}'
    wait_until 90 test -e "$P/$a" || { bad "$a did not appear after device_add"; return; }
    wait_until 120 is_drv "$a" vfio-pci || bad "$a is on $(drv_of "$a"), not vfio-pci"
    wait_until 60 unit_ran "vfioctl@pci-$a.service" || bad "vfioctl@pci-$a.service did not run"
    unit_journal "vfioctl@pci-$a.service"
    [ "$(systemctl is-active "vfioctl@pci-$a.service")" = active ] || bad "vfioctl@pci-$a.service is not active"
}

# An e1000e appears in rp2 with no saved override: the rule 60-e1000e.conf binds it.
hotplug_rule() {
    local a; a=$(behind 2)
    qmp device_add '{"driver":"e1000e","bus":"rp2","id":"hp-e1000e","netdev":"n3"}'
    wait_until 90 test -e "$P/$a" || { bad "$a did not appear after device_add"; return; }
    wait_until 120 is_drv "$a" vfio-pci || bad "$a is on $(drv_of "$a"), not vfio-pci"
    wait_until 60 unit_ran "vfioctl-rules@pci-$a.service" || bad "vfioctl-rules@pci-$a.service did not run"
    unit_journal "vfioctl-rules@pci-$a.service"
    grep -q "^$a" /run/vfioctl/rules/owned || bad "$a is not in /run/vfioctl/rules/owned"
    [ ! -e "/etc/driverctl.d/pci-$a" ] || bad "a rule saved an override for $a"
}

# A virtio-rng appears in rp3: no override, no rule. No vfioctl unit, no JVM.
hotplug_none() {
    local a since; a=$(behind 3)
    since=$(date '+%Y-%m-%d %H:%M:%S')
    qmp device_add '{"driver":"virtio-rng-pci","bus":"rp3","id":"hp-rng"}'
    wait_until 90 test -e "$P/$a" || { bad "$a did not appear after device_add"; return; }
    wait_until 60 is_drv "$a" virtio-pci || bad "$a is on $(drv_of "$a"), not virtio-pci"
    udevadm settle --timeout=60
    sleep 2
    units_of "$a" && bad "a vfioctl unit was started for $a"
    if journalctl -b --no-pager -o cat --since "$since" | grep -E "vfioctl" | grep -F -- "$a"; then
        bad "the journal shows vfioctl for $a"
    fi
    pgrep -af 'vfioctl|java' && bad "a vfioctl or java process runs"
    return 0
}

# igb in rp4: a PhysicalFunction rule; VFs made through sriov_numvfs are bound to vfio-pci.
igb_vfs() {
    local pf vf n=0 i
    pf=$(behind 4)
    is_drv "$pf" igb || { bad "igb PF $pf is on $(drv_of "$pf"), not igb"; return; }
    printf '[Match]\nPhysicalFunction=%s\n[Bind]\nDriver=vfio-pci\n' "$pf" >/etc/vfioctl/bind.d/70-igb-vfs.conf
    vfioctl rules apply || bad "vfioctl rules apply failed"
    cat /run/vfioctl/rules/match.sh
    echo 2 >"$P/$pf/sriov_numvfs" || { bad "writing 2 to $pf/sriov_numvfs failed"; return; }
    for i in 0 1; do
        wait_until 60 test -L "$P/$pf/virtfn$i" || { bad "VF $i of $pf did not appear"; continue; }
        vf=$(basename "$(readlink "$P/$pf/virtfn$i")")
        if wait_until 120 is_drv "$vf" vfio-pci; then n=$((n + 1)); else bad "VF $vf is on $(drv_of "$vf"), not vfio-pci"; fi
        wait_until 60 unit_ran "vfioctl-rules@pci-$vf.service" || bad "vfioctl-rules@pci-$vf.service did not run"
        unit_journal "vfioctl-rules@pci-$vf.service"
    done
    echo "$n VFs on vfio-pci"
    is_drv "$pf" igb || bad "igb PF $pf left igb"
}

# The image's start-up cache was trained on the build machine's CPU, so the launcher runs without
# it here; trained for this CPU now, the next boots start as an installed host does.
start_up_cache() {
    local t0; t0=$(date +%s)
    /usr/lib/vfioctl/update-cache || bad "update-cache failed"
    info "update-cache in the guest: $(($(date +%s) - t0))s"
    cat /var/cache/vfioctl/launch
    grep -q '^cache=.' /var/cache/vfioctl/launch || bad "no start-up cache for this CPU"
}

check boot-unit boot_unit
check unit-ordering unit_ordering
check units-verify units_verify
check unit-blame unit_blame
check hotplug-override hotplug_override
check hotplug-rule hotplug_rule
check hotplug-none hotplug_none
check igb-vfs igb_vfs
check start-up-cache start_up_cache
