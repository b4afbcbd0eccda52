package io.vfioctl.ops;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.host.Host;
import java.util.Optional;

/** Turns the driver word a user gave (or a saved file holds) into a {@link Target}. */
public class TargetResolver {
  protected final Host host;

  public TargetResolver(Host host) {
    this.host = host;
  }

  /**
   * A plain driver name: its module is loaded unless the driver is already registered with the
   * bus (driverctl only looked for {@code /sys/module/<driver>}, which misses built-in drivers
   * and drivers whose module name differs).
   */
  public Target resolve(DevicePaths device, String word) throws VfioctlException {
    if (word.equals(DeviceState.NO_DRIVER) || host.sysfs().exists(device.driverDir(word))) {
      return new Target(word, Optional.empty());
    }
    return new Target(word, Optional.of(word));
  }

  /** The message for a module that modprobe would not load. */
  public String moduleRefused(DevicePaths device, Target target, String module, String detail) {
    return "no such module: " + module + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
