package io.vfioctl.rules;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.PciAddress;
import io.vfioctl.device.Sriov;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Reads from sysfs the facts of every device of a bus that the rules ask about, and no more. */
public final class FactsReader {
  private final Host host;
  private final String bus;
  private final Sriov sriov;
  /** Per PF: its VFs in index order, and its interfaces. */
  private final Map<String, List<String>> vfsOf = new HashMap<>();
  private final Map<String, List<String>> interfacesOf = new HashMap<>();

  public FactsReader(Host host, String bus) {
    this.host = host;
    this.bus = bus;
    this.sriov = new Sriov(host);
  }

  /**
   * @param keys the keys the rules use
   * @param hostDrivers each device's host driver from before a rule took it, by address
   */
  public List<DeviceFacts> read(Set<MatchKey> keys, Map<String, String> hostDrivers) {
    Sysfs sysfs = host.sysfs();
    boolean sriovNeeded = keys.stream().anyMatch(MatchKey::needsSriov);
    List<DeviceFacts> all = new ArrayList<>();
    String devices = DevicePaths.devicesDir(bus);
    for (String name : sysfs.list(devices)) {
      if (!PciAddress.isValid(name)) {
        continue;
      }
      String dir = devices + "/" + name;
      if (!sysfs.exists(dir + "/driver_override")) {
        continue;
      }
      List<String> drivers = new ArrayList<>(2);
      sysfs.linkName(dir + "/driver").ifPresent(drivers::add);
      String before = hostDrivers.get(name);
      if (before != null && !before.isEmpty() && !drivers.contains(before)) {
        drivers.add(before);
      }
      Optional<String> physfn = sriovNeeded ? sriov.physfn(dir) : Optional.empty();
      OptionalInt index = OptionalInt.empty();
      List<String> interfaces = List.of();
      if (physfn.isPresent()) {
        int i = vfsOf.computeIfAbsent(physfn.get(), pf -> sriov.virtfns(devices + "/" + pf)).indexOf(name);
        index = i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
        interfaces = interfacesOf.computeIfAbsent(physfn.get(), pf -> sysfs.list(devices + "/" + pf + "/net"));
      }
      all.add(new DeviceFacts(name, id(sysfs, dir, "vendor", keys.contains(MatchKey.VENDOR)),
          id(sysfs, dir, "device", keys.contains(MatchKey.DEVICE)),
          id(sysfs, dir, "subsystem_vendor", keys.contains(MatchKey.SUBSYSTEM_VENDOR)),
          id(sysfs, dir, "subsystem_device", keys.contains(MatchKey.SUBSYSTEM_DEVICE)),
          id(sysfs, dir, "class", keys.contains(MatchKey.CLASS)), List.copyOf(drivers),
          keys.contains(MatchKey.NUMA_NODE) ? sysfs.read(dir + "/numa_node").orElse("").strip() : "",
          physfn, index, interfaces));
    }
    return all;
  }

  private static String id(Sysfs sysfs, String dir, String file, boolean needed) {
    return needed ? sysfs.read(dir + "/" + file).map(DeviceFacts::id).orElse("") : "";
  }
}
