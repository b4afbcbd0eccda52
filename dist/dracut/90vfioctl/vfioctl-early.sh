#!/bin/sh
# dracut pre-udev hook (sourced before systemd-udevd starts): vfioctl's early script, if this
# initramfs has one.
[ -f /usr/lib/vfioctl/early ] && sh /usr/lib/vfioctl/early
