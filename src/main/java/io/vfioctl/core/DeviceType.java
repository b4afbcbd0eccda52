package io.vfioctl.core;

import java.util.Optional;

/** driverctl's device-type filter for the list commands, by PCI base class. */
public enum DeviceType {
  ALL(null),
  STORAGE("01"),
  NETWORK("02"),
  DISPLAY("03"),
  MULTIMEDIA("04"),
  MEMORY("05"),
  BRIDGE("06"),
  COMMUNICATION("07"),
  SYSTEM("08"),
  INPUT("09"),
  DOCKING("0a"),
  PROCESSOR("0b"),
  SERIAL("0c");

  /** The order in which driverctl names the types in its error message (bash hash order). */
  public static final String DRIVERCTL_ORDER =
      "all system memory network bridge processor serial storage communication docking display multimedia input";

  private final String baseClass;

  DeviceType(String baseClass) {
    this.baseClass = baseClass;
  }

  public static Optional<DeviceType> byName(String name) {
    for (DeviceType t : values()) {
      if (t.label().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The PCI base class it stands for, two lower-case hex digits ({@code 02}); null for {@link #ALL}. */
  public String baseClass() {
    return baseClass;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Whether a device whose sysfs {@code class} file reads {@code classText} (e.g. {@code 0x020000})
   * passes this filter; like driverctl, compares characters 2-3 of the text.
   */
  public boolean accepts(String classText) {
    if (baseClass == null) {
      return true;
    }
    return classText.length() >= 4 && classText.substring(2, 4).equals(baseClass);
  }
}
