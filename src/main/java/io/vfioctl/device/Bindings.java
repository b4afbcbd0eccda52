package io.vfioctl.device;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.core.GroupMember;
import io.vfioctl.host.Host;
import java.util.Optional;

/** What a device is bound to now, as sysfs shows it: its override and its driver. */
public final class Bindings {
  private Bindings() {}

  public static DeviceState current(Host host, DevicePaths paths) {
    return new DeviceState(
        host.sysfs().read(paths.driverOverride()).flatMap(DeviceState::parseOverride),
        host.sysfs().linkName(paths.driverLink()));
  }

  /**
   * Whether a host driver holds the device in {@code state}: it has a driver, and that is no VFIO
   * driver, neither by its name nor by the {@code vfio-dev} directory a bound one has (older
   * kernels show none). The name is asked first: it costs no read.
   */
  public static boolean hostDriver(Host host, DevicePaths paths, DeviceState state) {
    return hostDriver(host, paths, state.driver());
  }

  /** As {@link #hostDriver(Host, DevicePaths, DeviceState)}, for the driver bound. */
  public static boolean hostDriver(Host host, DevicePaths paths, Optional<String> driver) {
    return driver.isPresent() && !GroupMember.isVfioDriver(driver.get()) && !host.sysfs().exists(paths.file("vfio-dev"));
  }
}
