package io.vfioctl.device;

import io.vfioctl.core.VfioctlException;
import io.vfioctl.core.IoErrors;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.core.DeviceType;
import io.vfioctl.host.Host;
import io.vfioctl.host.PersistedOverrides;
import io.vfioctl.sysfs.RefusedFileException;
import io.vfioctl.sysfs.Sysfs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads the devices of a bus for list-devices and list-overrides, and the saved overrides. */
public final class Inventory {
  /** How much of each device to read: the text listing needs little, JSON everything. */
  public enum Detail { BRIEF, WITH_MODALIAS, FULL }

  private final Host host;
  private final String bus;
  private final Sriov sriov;

  public Inventory(Host host, String bus) {
    this.host = host;
    this.bus = bus;
    this.sriov = new Sriov(host);
  }

  /**
   * The devices that have a {@code driver_override} file, in name order, with the
   * driverctl filters: only those with an override set, and only those of a type.
   *
   * @param detail how much to read of each device
   * @throws VfioctlException driverctl's "No overridable devices found" when no device passes
   *     the override filter (the type filter does not count, as in driverctl)
   */
  public List<DeviceInfo> devices(DeviceType type, boolean overridesOnly, Detail detail) throws VfioctlException {
    Sysfs sysfs = host.sysfs();
    Map<String, String> persisted = detail == Detail.FULL ? persistedByDevice() : Map.of();
    List<DeviceInfo> result = new ArrayList<>();
    boolean anyOverridable = false;
    for (String name : sysfs.list(DevicePaths.devicesDir(bus))) {
      String dir = DevicePaths.devicesDir(bus) + "/" + name;
      Optional<String> overrideText = sysfs.read(dir + "/driver_override");
      if (overrideText.isEmpty()) {
        continue;
      }
      Optional<String> override = DeviceState.parseOverride(overrideText.get());
      if (overridesOnly && override.isEmpty()) {
        continue;
      }
      anyOverridable = true;
      Optional<String> classCode = sysfs.read(dir + "/class");
      if (!type.accepts(classCode.orElse(""))) {
        continue;
      }
      if (detail != Detail.FULL) {
        Optional<String> modalias = detail == Detail.WITH_MODALIAS ? sysfs.read(dir + "/modalias") : Optional.empty();
        result.add(new DeviceInfo(name, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            classCode, modalias, sysfs.linkName(dir + "/driver"), override, Optional.empty(),
            Optional.empty(), Optional.empty(), false, Optional.empty(), List.of()));
        continue;
      }
      result.add(new DeviceInfo(
          name,
          sysfs.read(dir + "/vendor"),
          sysfs.read(dir + "/device"),
          sysfs.read(dir + "/subsystem_vendor"),
          sysfs.read(dir + "/subsystem_device"),
          classCode,
          sysfs.read(dir + "/modalias"),
          sysfs.linkName(dir + "/driver"),
          override,
          Optional.ofNullable(persisted.get(name)),
          sysfs.linkName(dir + "/iommu_group"),
          sysfs.read(dir + "/numa_node"),
          sysfs.exists(dir + "/vfio-dev"),
          sriov.physfn(dir),
          sriov.virtfns(dir)));
    }
    if (!anyOverridable) {
      throw new NoOverridableDevicesException();
    }
    return result;
  }

  private Map<String, String> persistedByDevice() throws VfioctlException {
    return persisted().stream().collect(Collectors.toMap(
        PersistedOverrides.Entry::device, PersistedOverrides.Entry::driver, (a, b) -> a));
  }

  public List<PersistedOverrides.Entry> persisted() throws VfioctlException {
    try {
      return host.persisted().list(bus);
    } catch (IOException e) {
      String file = e instanceof RefusedFileException refused ? refused.getFile() : Host.CONF_DIR;
      throw new VfioctlException("cannot read " + file + ": " + IoErrors.describe(e));
    }
  }
}
