package io.vfioctl.core;

import java.util.Optional;

/** The two facts about a device that an override changes: its override and its bound driver. */
public record DeviceState(Optional<String> override, Optional<String> driver) {

  public static final String NO_DRIVER = "none";

  /**
   * Interprets the text read from {@code driver_override}: the kernel prints {@code (null)} when
   * none is set; driverctl 0.115 treats an empty value the same way.
   */
  public static Optional<String> parseOverride(String text) {
    if (text == null || text.isEmpty() || text.equals("(null)")) {
      return Optional.empty();
    }
    return Optional.of(text);
  }

  public boolean boundTo(String name) {
    return driver.isPresent() && driver.get().equals(name);
  }
}
