package io.vfioctl.sim;

import io.vfioctl.sysfs.Errno;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which sysfs path is which part of the simulated machine: a device's attributes and links, the
 * bus's and the drivers' files, modules, IOMMU groups, {@code /dev/vfio}, and the files and links
 * beyond the PCI bus that tests lay out. Reads answer from the {@link DriverCore}; writes become
 * its operations. Not synchronized: {@link KernelSimulator} calls it under its lock.
 */
final class SysfsRoutes {
  private static final String DEVICES = "/sys/bus/pci/devices/";
  private static final String DRIVERS = "/sys/bus/pci/drivers/";
  private static final String MODULES = "/sys/module/";
  private static final String GROUPS = "/sys/kernel/iommu_groups/";

  private final DriverCore core;
  /** Files and links beyond the PCI bus (net interfaces, disks, consoles) that tests lay out. */
  private final Map<String, String> extraFiles = new TreeMap<>();
  private final Map<String, String> extraLinks = new TreeMap<>();

  SysfsRoutes(DriverCore core) {
    this.core = core;
  }

  void addFile(String path, String content) {
    extraFiles.put(path, content);
  }

  void addLink(String path, String target) {
    extraLinks.put(path, target);
  }

  /** A path below a device's directory, reached either through the bus or through DEVPATH. */
  private record DevicePath(SimDevice device, String rest) {}

  private Optional<DevicePath> devicePath(String path) {
    if (path.startsWith(DEVICES)) {
      String tail = path.substring(DEVICES.length());
      int slash = tail.indexOf('/');
      SimDevice d = core.device(slash < 0 ? tail : tail.substring(0, slash));
      return d == null ? Optional.empty() : Optional.of(new DevicePath(d, slash < 0 ? "" : tail.substring(slash + 1)));
    }
    if (path.startsWith("/sys/devices/")) {
      for (SimDevice d : core.devices()) {
        String dir = "/sys" + d.devpath();
        if (path.equals(dir)) {
          return Optional.of(new DevicePath(d, ""));
        }
        if (path.startsWith(dir + "/")) {
          return Optional.of(new DevicePath(d, path.substring(dir.length() + 1)));
        }
      }
    }
    return Optional.empty();
  }

  Optional<String> read(String path) {
    if (extraFiles.containsKey(path)) {
      return Optional.of(extraFiles.get(path));
    }
    Optional<DevicePath> dp = devicePath(path);
    if (dp.isEmpty()) {
      return Optional.empty();
    }
    SimDevice d = dp.get().device();
    boolean pf = !d.virtfns.isEmpty();
    return Optional.ofNullable(switch (dp.get().rest()) {
      case "sriov_numvfs", "sriov_totalvfs" -> pf ? Integer.toString(d.virtfns.size()) : null;
      case "sriov_drivers_autoprobe" -> pf ? (d.driversAutoprobe ? "1" : "0") : null;
      case "vendor" -> hex4(d.vendor());
      case "device" -> hex4(d.device());
      case "subsystem_vendor" -> hex4(d.subVendor());
      case "subsystem_device" -> hex4(d.subDevice());
      case "class" -> String.format("0x%06x", d.classCode());
      case "modalias" -> d.modalias();
      case "numa_node" -> Integer.toString(d.numaNode());
      case "driver_override" -> !d.overrideSupported ? null : d.override == null ? "(null)" : d.override;
      default -> null;
    });
  }

  private static String hex4(int v) {
    return String.format("0x%04x", v);
  }

  List<String> list(String dir) {
    String path = strip(dir);
    List<String> extra = extraChildren(path);
    if (!extra.isEmpty()) {
      return extra;
    }
    if (path.equals("/sys/bus/pci/devices")) {
      return List.copyOf(core.deviceNames());
    }
    if (path.equals("/sys/bus/pci/drivers")) {
      return core.drivers().stream().map(SimDriver::name).sorted().toList();
    }
    if (path.equals("/sys/module")) {
      return List.copyOf(core.loadedModules());
    }
    if (path.startsWith(MODULES) && path.endsWith("/drivers")) {
      String module = path.substring(MODULES.length(), path.length() - "/drivers".length());
      return core.drivers().stream().filter(drv -> drv.module().equals(module))
          .map(drv -> "pci:" + drv.name()).sorted().toList();
    }
    if (path.equals("/sys/kernel/iommu_groups")) {
      return core.devices().stream().map(d -> d.iommuGroup()).filter(g -> g >= 0).distinct().sorted()
          .map(String::valueOf).toList();
    }
    if (path.startsWith(GROUPS) && path.endsWith("/devices")) {
      String group = path.substring(GROUPS.length(), path.length() - "/devices".length());
      return core.devices().stream().filter(d -> String.valueOf(d.iommuGroup()).equals(group))
          .map(SimDevice::name).toList();
    }
    Optional<DevicePath> dp = devicePath(path);
    if (dp.isPresent() && dp.get().rest().equals("vfio-dev") && dp.get().device().vfioIndex >= 0) {
      return List.of("vfio" + dp.get().device().vfioIndex);
    }
    return List.of();
  }

  private List<String> extraChildren(String dir) {
    TreeSet<String> names = new TreeSet<>();
    for (String p : extraFiles.keySet()) {
      childOf(dir, p).ifPresent(names::add);
    }
    for (String p : extraLinks.keySet()) {
      childOf(dir, p).ifPresent(names::add);
    }
    return List.copyOf(names);
  }

  private static Optional<String> childOf(String dir, String path) {
    if (!path.startsWith(dir + "/")) {
      return Optional.empty();
    }
    String rest = path.substring(dir.length() + 1);
    int slash = rest.indexOf('/');
    return Optional.of(slash < 0 ? rest : rest.substring(0, slash));
  }

  private static String strip(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  Optional<String> linkName(String path) {
    return linkTarget(path).map(t -> t.substring(t.lastIndexOf('/') + 1));
  }

  Optional<String> linkTarget(String path) {
    if (extraLinks.containsKey(path)) {
      return Optional.of(extraLinks.get(path));
    }
    Optional<DevicePath> dp = devicePath(path);
    if (dp.isPresent()) {
      SimDevice d = dp.get().device();
      String rest = dp.get().rest();
      if (rest.equals("physfn") && d.physfn != null) {
        return Optional.of("../" + d.physfn.name());
      }
      if (rest.matches("virtfn[0-9]{1,4}")) {
        int i = Integer.parseInt(rest.substring("virtfn".length()));
        return i < d.virtfns.size() ? Optional.of("../" + d.virtfns.get(i).name()) : Optional.empty();
      }
      return switch (rest) {
        case "driver" -> d.driver().map(n -> "../../../bus/pci/drivers/" + n);
        case "iommu_group" -> d.iommuGroup() >= 0 ? Optional.of("../../../kernel/iommu_groups/" + d.iommuGroup())
            : Optional.empty();
        case "driver/module" -> d.driver().map(x -> "../../../../module/" + d.driver.module());
        default -> Optional.empty();
      };
    }
    if (path.startsWith(MODULES) && path.contains("/drivers/pci:")) {
      String driver = path.substring(path.indexOf("/drivers/pci:") + "/drivers/pci:".length());
      return exists(path) ? Optional.of("../../../bus/pci/drivers/" + driver) : Optional.empty();
    }
    return Optional.empty();
  }

  boolean exists(String path) {
    String p = strip(path);
    if (extraFiles.containsKey(p) || extraLinks.containsKey(p) || !extraChildren(p).isEmpty()) {
      return true;
    }
    Optional<DevicePath> dp = devicePath(p);
    if (dp.isPresent()) {
      SimDevice d = dp.get().device();
      return switch (dp.get().rest()) {
        case "", "vendor", "device", "subsystem_vendor", "subsystem_device", "class", "modalias", "numa_node" -> true;
        case "driver_override" -> d.overrideSupported;
        case "driver", "driver/unbind", "driver/bind" -> d.driver != null;
        case "iommu_group" -> d.iommuGroup() >= 0;
        case "vfio-dev" -> d.vfioIndex >= 0;
        case "physfn" -> d.physfn != null;
        case "sriov_numvfs", "sriov_totalvfs", "sriov_drivers_autoprobe" -> !d.virtfns.isEmpty();
        default -> linkTarget(p).isPresent();
      };
    }
    if (p.equals("/sys/bus/pci/drivers_probe") || p.equals("/sys/bus/pci/devices") || p.equals("/sys/bus/pci/drivers")) {
      return true;
    }
    if (p.startsWith(DRIVERS)) {
      String[] parts = p.substring(DRIVERS.length()).split("/");
      return core.driver(parts[0]) != null
          && (parts.length == 1 || parts.length == 2 && List.of("bind", "unbind", "new_id", "remove_id").contains(parts[1]));
    }
    if (p.startsWith(MODULES)) {
      String[] parts = p.substring(MODULES.length()).split("/");
      if (!core.loadedModules().contains(parts[0])) {
        return false;
      }
      return parts.length == 1 || parts.length == 2 && parts[1].equals("drivers")
          || parts.length == 3 && parts[1].equals("drivers") && list(MODULES + parts[0] + "/drivers").contains(parts[2]);
    }
    if (p.startsWith("/dev/vfio/")) {
      try {
        return core.hasDevVfio(Integer.parseInt(p.substring("/dev/vfio/".length())));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }

  /** The kernel's store handlers; null on success. */
  Errno store(String path, String value) {
    if (extraFiles.containsKey(path)) {
      extraFiles.put(path, value);
      return null;
    }
    Optional<DevicePath> dp = devicePath(path);
    if (dp.isPresent()) {
      SimDevice d = dp.get().device();
      switch (dp.get().rest()) {
        case "driver_override" -> {
          if (!d.overrideSupported) {
            return Errno.ENOENT;
          }
          if (value.length() >= 4096) {
            return Errno.EINVAL;
          }
          d.override = value.isEmpty() ? null : value;
          return null;
        }
        case "driver/unbind" -> {
          if (d.driver == null) {
            return Errno.ENOENT;
          }
          return core.unbind(d.driver, value);
        }
        default -> {
          return Errno.EACCES;
        }
      }
    }
    if (path.equals("/sys/bus/pci/drivers_probe")) {
      return core.driversProbe(value);
    }
    if (path.startsWith(DRIVERS)) {
      String[] parts = path.substring(DRIVERS.length()).split("/");
      SimDriver drv = core.driver(parts[0]);
      if (drv == null || parts.length != 2) {
        return Errno.ENOENT;
      }
      return switch (parts[1]) {
        case "bind" -> core.bind(drv, value);
        case "unbind" -> core.unbind(drv, value);
        case "new_id" -> core.newId(drv, value);
        case "remove_id" -> core.removeId(drv, value);
        default -> Errno.EACCES;
      };
    }
    return Errno.ENOENT;
  }
}
