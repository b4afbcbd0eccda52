package io.vfioctl.sim;

import io.vfioctl.host.ModuleLoadException;
import io.vfioctl.host.ModuleLoader;
import io.vfioctl.sysfs.Errno;
import io.vfioctl.sysfs.Sysfs;
import io.vfioctl.sysfs.SysfsWriteException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An in-memory PCI bus with the driver core's binding rules, behind the same {@link Sysfs} port
 * as the real kernel: {@code driver_override} (only the named driver may bind, and it binds
 * whatever its ID table says), override-only IDs, {@code unbind}, {@code bind},
 * {@code drivers_probe}, {@code new_id}/{@code remove_id}, modules that register drivers when
 * loaded (binding the devices waiting for them), IOMMU groups, {@code vfio-dev}, and injected
 * faults. Every method is synchronized: tests run concurrent invocations against one instance.
 */
public final class KernelSimulator implements Sysfs {
  private static final String DEVICES = "/sys/bus/pci/devices/";
  private static final String DRIVERS = "/sys/bus/pci/drivers/";
  private static final String MODULES = "/sys/module/";
  private static final String GROUPS = "/sys/kernel/iommu_groups/";

  private final Map<String, SimDevice> devices = new TreeMap<>();
  private final Map<String, List<SimDriver>> availableModules = new HashMap<>();
  private final Map<String, SimDriver> drivers = new LinkedHashMap<>();
  private final TreeSet<String> loadedModules = new TreeSet<>();
  private final Map<String, Errno> writeFaults = new HashMap<>();
  private final Map<List<String>, Errno> valueFaults = new HashMap<>();
  private final Map<String, Errno> probeFaults = new HashMap<>();
  private final Map<String, String> refusedModules = new HashMap<>();
  private final List<String> writeLog = new ArrayList<>();
  /** Files and links beyond the PCI bus (net interfaces, disks, consoles) that tests lay out. */
  private final Map<String, String> extraFiles = new TreeMap<>();
  private final Map<String, String> extraLinks = new TreeMap<>();
  private int nextVfioIndex;
  private volatile int writeDelayMillis;

  // ---- building the machine ----

  /** Makes a module available to modprobe; loading it registers these drivers. */
  public synchronized KernelSimulator defineModule(String module, SimDriverSpec... specs) {
    List<SimDriver> list = new ArrayList<>();
    for (SimDriverSpec s : specs) {
      list.add(new SimDriver(s.name(), module, s.ids(), s.vfio()));
    }
    availableModules.put(module, list);
    return this;
  }

  /** A driver a module registers. */
  public record SimDriverSpec(String name, boolean vfio, List<PciId> ids) {
    public static SimDriverSpec host(String name, PciId... ids) {
      return new SimDriverSpec(name, false, List.of(ids));
    }

    public static SimDriverSpec vfio(String name, PciId... ids) {
      return new SimDriverSpec(name, true, List.of(ids));
    }
  }

  public synchronized SimDevice addDevice(String name, int vendor, int device, int classCode, int iommuGroup) {
    return addDevice(name, vendor, device, vendor, device, classCode, iommuGroup, -1);
  }

  /** Hot-plugs a device; like {@code device_add}, it is probed at once. */
  public synchronized SimDevice addDevice(String name, int vendor, int device, int subVendor, int subDevice,
      int classCode, int iommuGroup, int numaNode) {
    SimDevice d = new SimDevice(name, vendor, device, subVendor, subDevice, classCode, iommuGroup, numaNode);
    devices.put(name, d);
    attach(d);
    return d;
  }

  /**
   * Enables {@code count} VFs of {@code pf} (as writing {@code sriov_numvfs} does): devices
   * {@code vfNames} with the given ID, each in its own IOMMU group from {@code firstGroup}, probed
   * at once unless the PF's {@code sriov_drivers_autoprobe} is 0.
   */
  public synchronized List<SimDevice> addVfs(String pf, int vendor, int device, int firstGroup, String... vfNames) {
    SimDevice p = devices.get(pf);
    List<SimDevice> added = new ArrayList<>();
    for (int i = 0; i < vfNames.length; i++) {
      SimDevice vf = new SimDevice(vfNames[i], vendor, device, p.subVendor(), p.subDevice(), p.classCode(),
          firstGroup + i, p.numaNode());
      vf.physfn = p;
      p.virtfns.add(vf);
      devices.put(vf.name(), vf);
      attach(vf);
      added.add(vf);
    }
    return added;
  }

  /** A PF's {@code sriov_drivers_autoprobe}: 0 keeps host drivers from its VFs. */
  public synchronized void setDriversAutoprobe(String pf, boolean autoprobe) {
    devices.get(pf).driversAutoprobe = autoprobe;
  }

  /** A file outside the bus's own attributes, e.g. {@code /sys/class/net/eth0/operstate}, or a device's {@code boot_vga}. */
  public synchronized KernelSimulator addFile(String path, String content) {
    extraFiles.put(path, content);
    return this;
  }

  /** A symbolic link outside the bus's own, e.g. {@code /sys/class/net/eth0} to the device's {@code net/eth0}. */
  public synchronized KernelSimulator addLink(String path, String target) {
    extraLinks.put(path, target);
    return this;
  }

  /** The device has no {@code driver_override} file, as on kernels or buses without it. */
  public synchronized void removeOverrideSupport(String device) {
    devices.get(device).overrideSupported = false;
  }

  // ---- faults ----

  /** Every write to {@code path} fails with {@code errno} until {@link #clearFaults()}. */
  public synchronized void failWrites(String path, Errno errno) {
    writeFaults.put(path, errno);
  }

  /** Writes of exactly {@code value} to {@code path} fail with {@code errno}; other values are stored. */
  public synchronized void failWrites(String path, String value, Errno errno) {
    valueFaults.put(List.of(path, value), errno);
  }

  /** {@code driver}'s probe of {@code device} fails with {@code errno}, as a driver refusing a device. */
  public synchronized void failProbe(String driver, String device, Errno errno) {
    probeFaults.put(driver + " " + device, errno);
  }

  /** modprobe refuses {@code module}, e.g. because it is blacklisted. */
  public synchronized void refuseModule(String module, String message) {
    refusedModules.put(module, message);
  }

  public synchronized void clearFaults() {
    writeFaults.clear();
    valueFaults.clear();
    probeFaults.clear();
    refusedModules.clear();
  }

  // ---- inspection for tests ----

  public synchronized SimDevice device(String name) {
    return devices.get(name);
  }

  public synchronized boolean isLoaded(String module) {
    return loadedModules.contains(module);
  }

  /** Every accepted or refused write, as {@code path value}, in order. */
  public synchronized List<String> writeLog() {
    return List.copyOf(writeLog);
  }

  public synchronized boolean hasDevVfio(int group) {
    return devices.values().stream().anyMatch(d -> d.iommuGroup() == group && d.vfioIndex >= 0);
  }

  // ---- modules ----

  public ModuleLoader moduleLoader() {
    return new ModuleLoader() {
      @Override
      public void load(String module) throws ModuleLoadException {
        loadModule(module);
      }

      @Override
      public boolean isLive() {
        return true;
      }
    };
  }

  /** modprobe: treats - and _ alike, registers the module's drivers and binds waiting devices. */
  public synchronized void loadModule(String requested) throws ModuleLoadException {
    String module = requested.replace('-', '_');
    if (loadedModules.contains(module)) {
      return;
    }
    if (refusedModules.containsKey(module)) {
      throw new ModuleLoadException(module, refusedModules.get(module));
    }
    List<SimDriver> list = availableModules.get(module);
    if (list == null) {
      throw new ModuleLoadException(module, "FATAL: Module " + module + " not found in directory /lib/modules/sim");
    }
    loadedModules.add(module);
    for (SimDriver drv : list) {
      drivers.put(drv.name(), drv);
      for (SimDevice d : devices.values()) {
        if (d.driver == null && drv.matches(d)) {
          probe(drv, d);
        }
      }
    }
  }

  // ---- driver core ----

  private void attach(SimDevice d) {
    if (d.driver != null || !d.canProbe()) {
      return;
    }
    for (SimDriver drv : drivers.values()) {
      if (drv.matches(d) && probe(drv, d) == null) {
        return;
      }
    }
  }

  /** really_probe: returns null when bound, else the probe's error. */
  private Errno probe(SimDriver drv, SimDevice d) {
    if (!d.canProbe()) {
      return Errno.ENODEV;
    }
    Errno fault = probeFaults.get(drv.name() + " " + d.name());
    if (fault != null) {
      return fault;
    }
    d.driver = drv;
    if (drv.isVfio()) {
      d.vfioIndex = nextVfioIndex++;
    }
    return null;
  }

  private void detach(SimDevice d) {
    d.driver = null;
    d.vfioIndex = -1;
  }

  // ---- the Sysfs port ----

  /** A path below a device's directory, reached either through the bus or through DEVPATH. */
  private record DevicePath(SimDevice device, String rest) {}

  private Optional<DevicePath> devicePath(String path) {
    if (path.startsWith(DEVICES)) {
      String tail = path.substring(DEVICES.length());
      int slash = tail.indexOf('/');
      SimDevice d = devices.get(slash < 0 ? tail : tail.substring(0, slash));
      return d == null ? Optional.empty() : Optional.of(new DevicePath(d, slash < 0 ? "" : tail.substring(slash + 1)));
    }
    if (path.startsWith("/sys/devices/")) {
      for (SimDevice d : devices.values()) {
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

  @Override
  public synchronized Optional<String> read(String path) {
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

  @Override
  public synchronized List<String> list(String dir) {
    String path = strip(dir);
    List<String> extra = extraChildren(path);
    if (!extra.isEmpty()) {
      return extra;
    }
    if (path.equals("/sys/bus/pci/devices")) {
      return List.copyOf(devices.keySet());
    }
    if (path.equals("/sys/bus/pci/drivers")) {
      return List.copyOf(new TreeSet<>(drivers.keySet()));
    }
    if (path.equals("/sys/module")) {
      return List.copyOf(loadedModules);
    }
    if (path.startsWith(MODULES) && path.endsWith("/drivers")) {
      String module = path.substring(MODULES.length(), path.length() - "/drivers".length());
      return drivers.values().stream().filter(drv -> drv.module().equals(module))
          .map(drv -> "pci:" + drv.name()).sorted().toList();
    }
    if (path.equals("/sys/kernel/iommu_groups")) {
      return devices.values().stream().map(d -> d.iommuGroup()).filter(g -> g >= 0).distinct().sorted()
          .map(String::valueOf).toList();
    }
    if (path.startsWith(GROUPS) && path.endsWith("/devices")) {
      String group = path.substring(GROUPS.length(), path.length() - "/devices".length());
      return devices.values().stream().filter(d -> String.valueOf(d.iommuGroup()).equals(group))
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

  @Override
  public synchronized Optional<String> linkName(String path) {
    return linkTarget(path).map(t -> t.substring(t.lastIndexOf('/') + 1));
  }

  @Override
  public synchronized Optional<String> linkTarget(String path) {
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

  @Override
  public synchronized boolean exists(String path) {
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
      return drivers.containsKey(parts[0])
          && (parts.length == 1 || parts.length == 2 && List.of("bind", "unbind", "new_id", "remove_id").contains(parts[1]));
    }
    if (p.startsWith(MODULES)) {
      String[] parts = p.substring(MODULES.length()).split("/");
      if (!loadedModules.contains(parts[0])) {
        return false;
      }
      return parts.length == 1 || parts.length == 2 && parts[1].equals("drivers")
          || parts.length == 3 && parts[1].equals("drivers") && list(MODULES + parts[0] + "/drivers").contains(parts[2]);
    }
    if (p.startsWith("/dev/vfio/")) {
      try {
        return hasDevVfio(Integer.parseInt(p.substring("/dev/vfio/".length())));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }

  /** Makes each write take this long afterwards, so that unserialised callers would interleave. */
  public void slowWrites(int millis) {
    writeDelayMillis = millis;
  }

  @Override
  public void write(String path, String value) throws SysfsWriteException {
    Errno result;
    synchronized (this) {
      writeLog.add(path + " " + value);
      Errno fault = writeFaults.getOrDefault(path, valueFaults.get(List.of(path, value)));
      result = fault != null ? fault : store(path, value);
    }
    if (writeDelayMillis > 0) {
      try {
        Thread.sleep(writeDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (result != null) {
      throw new SysfsWriteException(path, value, result);
    }
  }

  /** The kernel's store handlers; null on success. */
  private Errno store(String path, String value) {
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
          return unbind(d.driver, value);
        }
        default -> {
          return Errno.EACCES;
        }
      }
    }
    if (path.equals("/sys/bus/pci/drivers_probe")) {
      SimDevice d = devices.get(value);
      if (d == null) {
        return Errno.ENODEV;
      }
      attach(d);
      return null;
    }
    if (path.startsWith(DRIVERS)) {
      String[] parts = path.substring(DRIVERS.length()).split("/");
      SimDriver drv = drivers.get(parts[0]);
      if (drv == null || parts.length != 2) {
        return Errno.ENOENT;
      }
      return switch (parts[1]) {
        case "bind" -> bind(drv, value);
        case "unbind" -> unbind(drv, value);
        case "new_id" -> newId(drv, value);
        case "remove_id" -> removeId(drv, value);
        default -> Errno.EACCES;
      };
    }
    return Errno.ENOENT;
  }

  private Errno unbind(SimDriver drv, String value) {
    SimDevice d = devices.get(value);
    if (d == null || d.driver != drv) {
      return Errno.ENODEV;
    }
    detach(d);
    return null;
  }

  private Errno bind(SimDriver drv, String value) {
    SimDevice d = devices.get(value);
    if (d == null || !drv.matches(d)) {
      return Errno.ENODEV;
    }
    if (d.driver != null) {
      return Errno.EBUSY;
    }
    return probe(drv, d);
  }

  private Errno newId(SimDriver drv, String value) {
    PciId id = parseId(value);
    if (id == null) {
      return Errno.EINVAL;
    }
    if (drv.dynamicIds.contains(id)) {
      return Errno.EEXIST;
    }
    drv.dynamicIds.add(id);
    for (SimDevice d : devices.values()) {
      if (d.driver == null && drv.matches(d)) {
        probe(drv, d);
      }
    }
    return null;
  }

  private Errno removeId(SimDriver drv, String value) {
    PciId id = parseId(value);
    return id != null && drv.dynamicIds.remove(id) ? null : Errno.ENODEV;
  }

  /** {@code vendor device [subvendor subdevice [class class_mask]]}, in hex, as new_id takes it. */
  private static PciId parseId(String value) {
    String[] f = value.trim().split("\\s+");
    if (f.length < 2 || f.length > 7) {
      return null;
    }
    try {
      int[] v = new int[f.length];
      for (int i = 0; i < f.length; i++) {
        v[i] = Integer.parseUnsignedInt(f[i].startsWith("0x") ? f[i].substring(2) : f[i], 16);
      }
      return new PciId(v[0], v[1], f.length > 2 ? v[2] : PciId.ANY, f.length > 3 ? v[3] : PciId.ANY,
          f.length > 4 ? v[4] : 0, f.length > 5 ? v[5] : 0, false);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
