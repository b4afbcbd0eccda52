# The early checks again, from a dracut initramfs (early-dracut.prepare.sh built it): the early
# script runs as a pre-udev hook, under the initramfs's own systemd.
. /usr/lib/vmtest/batches/early-checks.sh

record_here() { early_record dracut; }
time_here() { early_time dracut; }

check dracut-record record_here
check dracut-never-e1000 never_host_driver
check dracut-status status_early
check dracut-time time_here
