package io.vfioctl.device;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.host.Host;

/** What a device is bound to now, as sysfs shows it: its override and its driver. */
public final class Bindings {
  private Bindings() {}

  public static DeviceState current(Host host, DevicePaths paths) {
    return new DeviceState(
        host.sysfs().read(paths.driverOverride()).flatMap(DeviceState::parseOverride),
        host.sysfs().linkName(paths.driverLink()));
  }
}
