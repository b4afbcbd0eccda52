package io.vfioctl.ops;

import java.util.Optional;

/**
 * How the operations behave: driverctl's {@code --bus}, {@code --noprobe}, {@code --nosave},
 * vfioctl's {@code --dry-run}, and udev's {@code DEVPATH}.
 */
public record Settings(String bus, boolean probe, boolean save, boolean dryRun, Optional<String> devpath) {
}
