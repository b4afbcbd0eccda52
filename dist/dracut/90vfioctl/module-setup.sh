#!/bin/bash
# dracut module of vfioctl: bind before host drivers (vfioctl(8), "BINDING BEFORE HOST DRIVERS").
# installkernel runs "vfioctl initramfs" for the kernel being built ($kernel) and copies the modules
# it names and the early script; install adds the pre-udev hook that runs it. Nothing is added
# when no saved override or binding rule takes a device. A refusal fails the build (dracut stops
# on a failed installkernel) with vfioctl's one line.

# Whether any saved override or rule file exists: without one vfioctl is never a reason to fail.
_vfioctl_configured() {
    local f
    local r=${VFIOCTL_ROOT:-} # for tests only
    for f in "$r"/etc/driverctl.d/* "$r"/etc/vfioctl/bind.d/* "$r"/run/vfioctl/bind.d/* "$r"/usr/lib/vfioctl/bind.d/*; do
        [ -e "$f" ] && return 0
    done
    return 1
}

check() {
    [ -x @SBINDIR@/vfioctl ] || return 1
    return 0
}

depends() {
    return 0
}

installkernel() {
    local work rc=0 module
    work=$(mktemp -d) || return 1
    @SBINDIR@/vfioctl initramfs dracut "$kernel" "$work" >/dev/null || rc=$?
    if [ "$rc" = 0 ] && [ -f "$work/early" ]; then
        # Each module on its own: one name the kernel lacks must not drop the others.
        while read -r module; do
            [ -z "$module" ] || hostonly='' instmods "$module"
        done <"$work/modules"
        inst_simple "$work/early" /usr/lib/vfioctl/early
    fi
    rm -rf "$work"
    if [ "$rc" != 0 ] && _vfioctl_configured; then
        return "$rc"
    fi
    return 0
}

install() {
    _vfioctl_configured || return 0
    inst_multiple mkdir readlink
    inst_hook pre-udev 00 "$moddir/vfioctl-early.sh"
}
