package io.vfioctl.ops;

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
 * a listing need not look itself up).
 */
public record Settings(String bus, boolean probe, boolean save, boolean dryRun, Optional<String> devpath,
    Duration lockWait, String command, Supplier<ChangeRecord.Owner> owner) {

  public Settings(String bus, boolean probe, boolean save, boolean dryRun, Optional<String> devpath) {
    this(bus, probe, save, dryRun, devpath, Duration.ZERO, "", Settings::thisProcess);
  }

  /** This process, as the journal names the owner of a change. */
  public static ChangeRecord.Owner thisProcess() {
    ProcessHandle self = ProcessHandle.current();
    return new ChangeRecord.Owner(self.pid(), self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
  }
}
