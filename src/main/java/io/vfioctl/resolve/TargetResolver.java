package io.vfioctl.resolve;

import io.vfioctl.core.VfioctlException;
import io.vfioctl.core.Log;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.host.Host;
import java.util.List;
import java.util.Optional;

/**
 * Turns the driver word a user gave (or a saved file holds) into a {@link Target}: a plain
 * driver name, or {@code vfio} for the best-fit VFIO driver of the device.
 */
public final class TargetResolver {
  public static final String BEST_VFIO = "vfio";

  private final Host host;
  private final VfioResolver vfio;
  private final Log log;

  public TargetResolver(Host host, VfioResolver vfio, Log log) {
    this.host = host;
    this.vfio = vfio;
    this.log = log;
  }

  /** The VFIO resolver it asks, with what it has read in this call. */
  public VfioResolver vfio() {
    return vfio;
  }

  /** This resolver, telling {@code other} what it finds. */
  public TargetResolver withLog(Log other) {
    return new TargetResolver(host, vfio, other);
  }

  /**
   * A plain driver's module is loaded unless the driver is already registered with the bus
   * (driverctl only looked for {@code /sys/module/<driver>}, which misses built-in drivers and
   * drivers whose module name differs).
   */
  public Target resolve(DevicePaths device, String word) throws VfioctlException {
    return resolve(device, word, null);
  }

  /**
   * As {@link #resolve(DevicePaths, String)}, with the device's {@code modalias} as the caller read
   * it (empty when it could not be); null to read it when needed.
   */
  public Target resolve(DevicePaths device, String word, Optional<String> modalias) throws VfioctlException {
    if (word.equals(BEST_VFIO)) {
      VfioResolver.Resolution r = vfio.resolve(device, modalias);
      r.warning().ifPresent(log::warn);
      r.ambiguity().ifPresent(log::warn);
      VfioResolver.Choice best = r.best();
      log.debug("best-fit VFIO driver for " + device.device() + ": " + best.driver() + " (module " + best.module() + ")");
      return new Target(best.driver(), best.loaded() ? Optional.empty() : Optional.of(best.module()));
    }
    if (word.equals(DeviceState.NO_DRIVER) || host.sysfs().exists(device.driverDir(word))) {
      return new Target(word, Optional.empty());
    }
    refuseModuleName(device, word);
    return new Target(word, Optional.of(word));
  }

  /** To be told when a module was loaded (or modprobe tried): which are loaded, and their drivers, is read again. */
  public void forgetModules() {
    vfio.forgetModules();
  }

  /** After its module is loaded, the driver's authoritative name from sysfs. */
  public Target confirm(Target loaded, String word) throws VfioctlException {
    if (loaded.moduleToLoad().isEmpty()) {
      return loaded;
    }
    if (word.equals(BEST_VFIO)) {
      return new Target(vfio.driverName(loaded.moduleToLoad().get()), loaded.moduleToLoad());
    }
    refuseModuleName(null, word);
    return loaded;
  }

  /**
   * driver_override takes a driver name; a user who gives a module whose driver is named
   * otherwise ({@code vfio_pci} for {@code vfio-pci}) is told the right word instead of
   * watching the bind fail.
   */
  private void refuseModuleName(DevicePaths device, String word) throws VfioctlException {
    if (host.sysfs().exists(DevicePaths.driversDir("pci") + "/" + word)) {
      return;
    }
    Optional<String> driver = vfio.registeredDriver(word.replace('-', '_'));
    if (driver.isPresent() && !driver.get().equals(word)) {
      throw new VfioctlException(word + " is a module; its driver is " + driver.get() + ": vfioctl set-override "
          + (device == null ? "<device>" : device.device().name()) + " " + driver.get());
    }
  }

  /** The message for a module that modprobe would not load, naming what the user could force instead. */
  public String moduleRefused(DevicePaths device, String word, String module, String detail) {
    String message = "no such module: " + module + (detail.isEmpty() ? "" : " (" + detail + ")");
    if (!word.equals(BEST_VFIO)) {
      return message;
    }
    try {
      List<VfioResolver.Choice> all = vfio.resolve(device).candidates();
      return all.stream().filter(c -> !c.module().equals(module)).findFirst()
          .map(c -> message + "; the next candidate is " + c.driver() + ": vfioctl set-override " + device.device()
              + " " + c.driver())
          .orElse(message + "; no other VFIO driver fits " + device.device());
    } catch (VfioctlException e) {
      return message;
    }
  }

  /**
   * Whether no host driver could ever claim the device: its modalias matches no {@code pci:}
   * alias of the kernel's modules (QEMU's edu, a GPU whose driver is not installed). When that
   * cannot be told (no modalias, no modules.alias), the answer is no.
   */
  public boolean noHostDriverFor(DevicePaths device) {
    Optional<String> modalias = host.sysfs().read(device.file("modalias")).filter(m -> m.startsWith("pci:"));
    if (modalias.isEmpty()) {
      return false;
    }
    try {
      return vfio.hostDriverFor(modalias.get()).isEmpty();
    } catch (VfioctlException e) {
      return false;
    }
  }
}
