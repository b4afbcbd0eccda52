package io.vfioctl.cli;

/** Why a sysfs access usually does not return, in words that point at what to do. */
final class StuckAccess {
  private StuckAccess() {}

  static String why(String what) {
    if (what.endsWith("/unbind")) {
      return "unbinding waits until every user of the device lets go of it (a VM or a process holding its"
          + " /dev/vfio group, a mounted file system, a network interface in use)";
    }
    if (what.endsWith("/drivers_probe") || what.endsWith("/bind")) {
      return "the driver's probe has not finished (firmware loading, or a device that does not answer)";
    }
    if (what.endsWith("/driver_override")) {
      return "the device is locked by another operation on it that has not finished";
    }
    return "the file does not answer (a FIFO or a device that hangs)";
  }
}
