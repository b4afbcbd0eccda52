package io.vfioctl.ops;

import java.time.Duration;
import java.util.Optional;

/**
 * How the operations behave: driverctl's {@code --bus}, {@code --noprobe}, {@code --nosave},
 * vfioctl's {@code --dry-run}, and udev's {@code DEVPATH}; how long to wait for another caller's
 * lock ({@link Duration#ZERO}: for ever), and what to tell that caller this one is doing.
 */
public record Settings(String bus, boolean probe, boolean save, boolean dryRun, Optional<String> devpath,
    Duration lockWait, String command) {

  public Settings(String bus, boolean probe, boolean save, boolean dryRun, Optional<String> devpath) {
    this(bus, probe, save, dryRun, devpath, Duration.ZERO, "");
  }
}
