package io.vfioctl.core;

import java.util.ArrayList;
import java.util.List;
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

  /**
   * What of this state differs from {@code other}, for a report:
   * {@code the override (now vfio-pci, was unset) and the driver (now unbound, was e1000)}.
   */
  public String differencesFrom(DeviceState other) {
    List<String> parts = new ArrayList<>();
    if (!override.equals(other.override)) {
      parts.add("the override (now " + shown(override, "unset") + ", was " + shown(other.override, "unset") + ")");
    }
    if (!driver.equals(other.driver)) {
      parts.add("the driver (now " + shown(driver, "unbound") + ", was " + shown(other.driver, "unbound") + ")");
    }
    return String.join(" and ", parts);
  }

  private static String shown(Optional<String> value, String absent) {
    return value.map(Names::printable).orElse(absent);
  }
}
