# A boot from initramfs-tools' initramfs with vfioctl's early script (early.prepare.sh built it):
# the e1000 is taken before its host driver, loaded in the same initramfs, could bind it.
. /usr/lib/vmtest/batches/early-checks.sh

record_here() { early_record initramfs-tools; }
time_here() { early_time initramfs-tools; }

check early-record record_here
check early-never-e1000 never_host_driver
check early-status status_early
check early-time time_here
