package io.vfioctl.change;

import io.vfioctl.core.Action;
import io.vfioctl.core.Log;
import io.vfioctl.core.Settings;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.SysfsWriteException;
import java.util.List;
import java.util.Optional;

/**
 * With {@code --noiommu}, vfio's unsafe no-IOMMU mode for the devices without a group: turned on
 * before the change (a global switch, not a device's step), and off again if the change is
 * rolled back.
 */
final class NoIommuMode {
  /** vfio's switch for binding devices no IOMMU protects. */
  static final String SWITCH = "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode";

  private final Host host;
  private final Settings.Safety safety;
  private final Log log;

  NoIommuMode(Host host, Settings.Safety safety, Log log) {
    this.host = host;
    this.safety = safety;
    this.log = log;
  }

  /** A change that may fail. */
  interface Change {
    void run() throws VfioctlException;
  }

  /** The write turning the mode on, when {@code changing} needs it and it is off. */
  Optional<Action.Write> needed(List<Planner.Planned> changing) {
    boolean needed = safety.noIommu() && changing.stream().anyMatch(p -> p.toVfio() && p.group().isEmpty());
    Optional<String> mode = needed ? host.sysfs().read(SWITCH).map(String::strip) : Optional.empty();
    return mode.filter(m -> !m.equals("Y") && !m.equals("1")).map(m -> new Action.Write(SWITCH, "1"));
  }

  /** Runs {@code change} with the mode turned on by {@code enable} (if any), and off again if the change fails. */
  void around(Optional<Action.Write> enable, Change change) throws VfioctlException {
    if (enable.isEmpty()) {
      change.run();
      return;
    }
    log.action(enable.get());
    try {
      host.sysfs().write(enable.get().path(), enable.get().value());
    } catch (SysfsWriteException e) {
      throw new VfioctlException("cannot turn on vfio's no-IOMMU mode: " + e.getMessage() + "; nothing changed");
    }
    try {
      change.run();
    } catch (VfioctlException | RuntimeException e) {
      Action.Write off = new Action.Write(SWITCH, "0");
      log.action(off);
      try {
        host.sysfs().write(off.path(), off.value());
      } catch (SysfsWriteException again) {
        log.warn("vfio's no-IOMMU mode stays on: " + again.getMessage());
      }
      throw e;
    }
  }
}
