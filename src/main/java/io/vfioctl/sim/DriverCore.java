package io.vfioctl.sim;

import io.vfioctl.host.ModuleLoadException;
import io.vfioctl.sysfs.Errno;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The simulated driver core: the PCI devices, the modules and the drivers they register, and
 * what binding does (matching, probing, {@code bind}, {@code unbind}, {@code drivers_probe},
 * {@code new_id}/{@code remove_id}). It knows no paths; {@link KernelSimulator} routes sysfs to
 * it and holds the lock every call runs under.
 */
final class DriverCore {
  private final Map<String, SimDevice> devices = new TreeMap<>();
  private final Map<String, List<SimDriver>> availableModules = new HashMap<>();
  private final Map<String, SimDriver> drivers = new LinkedHashMap<>();
  private final TreeSet<String> loadedModules = new TreeSet<>();
  private final Map<String, Errno> probeFaults = new HashMap<>();
  private final Map<String, String> refusedModules = new HashMap<>();
  private int nextVfioIndex;

  void defineModule(String module, List<SimDriver> moduleDrivers) {
    availableModules.put(module, moduleDrivers);
  }

  /** Hot-plugs a device; like {@code device_add}, it is probed at once. */
  void add(SimDevice d) {
    devices.put(d.name(), d);
    attach(d);
  }

  SimDevice device(String name) {
    return devices.get(name);
  }

  Collection<SimDevice> devices() {
    return devices.values();
  }

  Set<String> deviceNames() {
    return devices.keySet();
  }

  SimDriver driver(String name) {
    return drivers.get(name);
  }

  /** Registered drivers in registration order. */
  Collection<SimDriver> drivers() {
    return drivers.values();
  }

  Set<String> loadedModules() {
    return loadedModules;
  }

  boolean hasDevVfio(int group) {
    return devices.values().stream().anyMatch(d -> d.iommuGroup() == group && d.vfioIndex >= 0);
  }

  void failProbe(String driver, String device, Errno errno) {
    probeFaults.put(driver + " " + device, errno);
  }

  void refuseModule(String module, String message) {
    refusedModules.put(module, message);
  }

  void clearFaults() {
    probeFaults.clear();
    refusedModules.clear();
  }

  /** modprobe: treats - and _ alike, registers the module's drivers and binds waiting devices. */
  void loadModule(String requested) throws ModuleLoadException {
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
      probeWaiting(drv);
    }
  }

  private void probeWaiting(SimDriver drv) {
    for (SimDevice d : devices.values()) {
      if (d.driver == null && drv.matches(d)) {
        probe(drv, d);
      }
    }
  }

  /** Offers an unbound device to every driver in registration order, as device_attach does. */
  void attach(SimDevice d) {
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

  // The store handlers below return null on success, else the errno the write fails with.

  /** {@code drivers_probe}. */
  Errno driversProbe(String device) {
    SimDevice d = devices.get(device);
    if (d == null) {
      return Errno.ENODEV;
    }
    attach(d);
    return null;
  }

  Errno unbind(SimDriver drv, String device) {
    SimDevice d = devices.get(device);
    if (d == null || d.driver != drv) {
      return Errno.ENODEV;
    }
    d.driver = null;
    d.vfioIndex = -1;
    return null;
  }

  Errno bind(SimDriver drv, String device) {
    SimDevice d = devices.get(device);
    if (d == null || !drv.matches(d)) {
      return Errno.ENODEV;
    }
    if (d.driver != null) {
      return Errno.EBUSY;
    }
    return probe(drv, d);
  }

  Errno newId(SimDriver drv, String value) {
    PciId id = parseId(value);
    if (id == null) {
      return Errno.EINVAL;
    }
    if (drv.dynamicIds.contains(id)) {
      return Errno.EEXIST;
    }
    drv.dynamicIds.add(id);
    probeWaiting(drv);
    return null;
  }

  Errno removeId(SimDriver drv, String value) {
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
