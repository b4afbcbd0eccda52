package io.vfioctl.device;

import io.vfioctl.core.VfioctlException;
import io.vfioctl.core.Settings;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.InvalidNameException;
import io.vfioctl.host.Host;
import java.util.Optional;

/** Finds a device named on the command line, refusing names that are not devices of the bus. */
public final class DeviceLocator {
  private final Host host;
  private final Settings settings;

  public DeviceLocator(Host host, Settings settings) {
    this.host = host;
    this.settings = settings;
  }

  public DevicePaths locate(String device) throws VfioctlException {
    DeviceName name = parse(device);
    if (!present(name)) {
      throw new VfioctlException("no such device: " + name);
    }
    return paths(name);
  }

  /** As {@link #locate}, but a device that is not present is no error: it may be plugged in later. */
  public Optional<DevicePaths> locateIfPresent(String device) throws VfioctlException {
    DeviceName name = parse(device);
    return present(name) ? Optional.of(paths(name)) : Optional.empty();
  }

  private DeviceName parse(String device) throws VfioctlException {
    try {
      return DeviceName.parse(device, settings.bus());
    } catch (InvalidNameException e) {
      throw new VfioctlException(e.getMessage());
    }
  }

  private boolean present(DeviceName name) {
    return host.sysfs().exists(DevicePaths.devicesDir(name.bus()) + "/" + name.name());
  }

  private DevicePaths paths(DeviceName name) throws VfioctlException {
    DevicePaths paths = DevicePaths.of(name, devpathOf(name));
    if (!host.sysfs().exists(paths.driverOverride())) {
      throw new VfioctlException("device does not support driver override: " + name);
    }
    return paths;
  }

  /**
   * udev's {@code DEVPATH}, when it really is the named device's: a udev rule on one device
   * that runs vfioctl for another (a PF setting up its VFs) must not change the first one.
   */
  private Optional<String> devpathOf(DeviceName name) {
    return settings.devpath().filter(p -> p.startsWith("/") && !p.contains("/../") && !p.endsWith("/..")
        && p.endsWith("/" + name.name()));
  }
}
