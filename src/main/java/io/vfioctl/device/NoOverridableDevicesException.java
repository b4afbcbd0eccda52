package io.vfioctl.device;

import io.vfioctl.core.VfioctlException;

/** driverctl's "No overridable devices found": no device passed the listing's override filter. */
public final class NoOverridableDevicesException extends VfioctlException {
  private static final long serialVersionUID = 1L;

  NoOverridableDevicesException() {
    super("No overridable devices found. Kernel too old?");
  }
}
