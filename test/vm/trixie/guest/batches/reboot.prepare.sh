# Before the reboot: what every PCI device is bound to, for reboot-state to compare with.
# VFs go with the reboot (sriov_numvfs starts at 0), so they are left out.
for d in "$P"/*; do
    [ -L "$d/physfn" ] || echo "${d##*/} $(drv_of "${d##*/}")"
done >/var/lib/vmtest/drivers-before-reboot
