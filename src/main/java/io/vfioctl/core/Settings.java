package io.vfioctl.core;

import io.vfioctl.core.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How the operations behave: driverctl's {@code --bus}, {@code --noprobe}, {@code --nosave},
 * vfioctl's {@code --dry-run}, and udev's {@code DEVPATH}; how long to wait for another caller's
 * lock ({@link Duration#ZERO}: for ever), what to tell that caller this one is doing, and the
 * process the journal names as the owner of a change (asked only when a change is journaled:
 * a listing need not look itself up), and the checks waived.
 */
public record Settings(String bus, boolean probe, boolean save, boolean dryRun, Optional<String> devpath,
    Duration lockWait, String command, Supplier<ChangeRecord.Owner> owner, Safety safety) {

  public Settings(String bus, boolean probe, boolean save, boolean dryRun, Optional<String> devpath) {
    this(bus, probe, save, dryRun, devpath, Duration.ZERO, "", Settings::thisProcess, Safety.CHECKED);
  }

  /**
   * The checks a user may waive: {@code --force} takes a device its host uses, {@code --noiommu}
   * binds VFIO without an IOMMU (vfio's unsafe no-IOMMU mode).
   */
  public record Safety(boolean force, boolean noIommu) {
    public static final Safety CHECKED = new Safety(false, false);
  }

  /** This process, as the journal names the owner of a change. */
  public static ChangeRecord.Owner thisProcess() {
    ProcessHandle self = ProcessHandle.current();
    return new ChangeRecord.Owner(self.pid(), self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
  }
}
