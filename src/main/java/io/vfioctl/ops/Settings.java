package io.vfioctl.ops;

import io.vfioctl.core.DeviceName;
import java.util.Optional;

/**
 * How the operations behave: driverctl's {@code --bus}, {@code --noprobe}, {@code --nosave},
 * vfioctl's {@code --dry-run}, and udev's {@code DEVPATH}.
 */
public record Settings(String bus, boolean probe, boolean save, boolean dryRun, Optional<String> devpath) {

  public static Settings defaults() {
    return new Settings(DeviceName.PCI, true, true, false, Optional.empty());
  }

  public Settings withDryRun(boolean dryRun) {
    return new Settings(bus, probe, save, dryRun, devpath);
  }
}
