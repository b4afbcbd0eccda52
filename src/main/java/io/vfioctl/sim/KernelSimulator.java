package io.vfioctl.sim;

import io.vfioctl.host.ModuleLoadException;
import io.vfioctl.host.ModuleLoader;
import io.vfioctl.sysfs.Errno;
import io.vfioctl.sysfs.Sysfs;
import io.vfioctl.sysfs.SysfsWriteException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory PCI bus with the driver core's binding rules, behind the same {@link Sysfs} port
 * as the real kernel: {@code driver_override} (only the named driver may bind, and it binds
 * whatever its ID table says), override-only IDs, {@code unbind}, {@code bind},
 * {@code drivers_probe}, {@code new_id}/{@code remove_id}, modules that register drivers when
 * loaded (binding the devices waiting for them), IOMMU groups, {@code vfio-dev}, and injected
 * faults. Every method is synchronized: tests run concurrent invocations against one instance.
 * {@link DriverCore} models the bus and its binding rules, {@link SysfsRoutes} says which path
 * is which part of it; this class builds the machine, injects faults and guards both.
 */
public final class KernelSimulator implements Sysfs {
  private final DriverCore core = new DriverCore();
  private final SysfsRoutes routes = new SysfsRoutes(core);
  private final Map<String, Errno> writeFaults = new HashMap<>();
  private final Map<List<String>, Errno> valueFaults = new HashMap<>();
  private final List<String> writeLog = new ArrayList<>();
  private volatile int writeDelayMillis;

  // ---- building the machine ----

  /** Makes a module available to modprobe; loading it registers these drivers. */
  public synchronized KernelSimulator defineModule(String module, SimDriverSpec... specs) {
    List<SimDriver> list = new ArrayList<>();
    for (SimDriverSpec s : specs) {
      list.add(new SimDriver(s.name(), module, s.ids(), s.vfio()));
    }
    core.defineModule(module, list);
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
    core.add(d);
    return d;
  }

  /**
   * Enables {@code count} VFs of {@code pf} (as writing {@code sriov_numvfs} does): devices
   * {@code vfNames} with the given ID, each in its own IOMMU group from {@code firstGroup}, probed
   * at once unless the PF's {@code sriov_drivers_autoprobe} is 0.
   */
  public synchronized List<SimDevice> addVfs(String pf, int vendor, int device, int firstGroup, String... vfNames) {
    SimDevice p = core.device(pf);
    List<SimDevice> added = new ArrayList<>();
    for (int i = 0; i < vfNames.length; i++) {
      SimDevice vf = new SimDevice(vfNames[i], vendor, device, p.subVendor(), p.subDevice(), p.classCode(),
          firstGroup + i, p.numaNode());
      vf.physfn = p;
      p.virtfns.add(vf);
      core.add(vf);
      added.add(vf);
    }
    return added;
  }

  /** A PF's {@code sriov_drivers_autoprobe}: 0 keeps host drivers from its VFs. */
  public synchronized void setDriversAutoprobe(String pf, boolean autoprobe) {
    core.device(pf).driversAutoprobe = autoprobe;
  }

  /** A file outside the bus's own attributes, e.g. {@code /sys/class/net/eth0/operstate}, or a device's {@code boot_vga}. */
  public synchronized KernelSimulator addFile(String path, String content) {
    routes.addFile(path, content);
    return this;
  }

  /** A symbolic link outside the bus's own, e.g. {@code /sys/class/net/eth0} to the device's {@code net/eth0}. */
  public synchronized KernelSimulator addLink(String path, String target) {
    routes.addLink(path, target);
    return this;
  }

  /** The device has no {@code driver_override} file, as on kernels or buses without it. */
  public synchronized void removeOverrideSupport(String device) {
    core.device(device).overrideSupported = false;
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
    core.failProbe(driver, device, errno);
  }

  /** modprobe refuses {@code module}, e.g. because it is blacklisted. */
  public synchronized void refuseModule(String module, String message) {
    core.refuseModule(module, message);
  }

  public synchronized void clearFaults() {
    writeFaults.clear();
    valueFaults.clear();
    core.clearFaults();
  }

  // ---- inspection for tests ----

  public synchronized SimDevice device(String name) {
    return core.device(name);
  }

  public synchronized boolean isLoaded(String module) {
    return core.loadedModules().contains(module);
  }

  /** Every accepted or refused write, as {@code path value}, in order. */
  public synchronized List<String> writeLog() {
    return List.copyOf(writeLog);
  }

  public synchronized boolean hasDevVfio(int group) {
    return core.hasDevVfio(group);
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
    core.loadModule(requested);
  }

  // ---- the Sysfs port ----

  @Override
  public synchronized Optional<String> read(String path) {
    return routes.read(path);
  }

  @Override
  public synchronized List<String> list(String dir) {
    return routes.list(dir);
  }

  @Override
  public synchronized Optional<String> linkName(String path) {
    return routes.linkName(path);
  }

  @Override
  public synchronized Optional<String> linkTarget(String path) {
    return routes.linkTarget(path);
  }

  @Override
  public synchronized boolean exists(String path) {
    return routes.exists(path);
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
      result = fault != null ? fault : routes.store(path, value);
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
}
