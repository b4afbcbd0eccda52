package io.vfioctl.core;

/**
 * A device as a user names it on the command line: {@code DDDD:BB:DD.F} or {@code BUS/DDDD:BB:DD.F}.
 * On the PCI bus the name must be a PCI address, kept in the kernel's lower-case form
 * ({@code 0000:3B:00.2} names {@code 0000:3b:00.2}); on other buses it must be a single, safe path
 * component.
 */
public record DeviceName(String bus, String name) {

  public static final String PCI = "pci";

  public DeviceName {
    Names.requireComponent(bus, "bus");
    if (bus.equals(PCI)) {
      name = PciAddress.parse(name).toString();
    } else {
      Names.requireComponent(name, "device");
    }
  }

  /** Parses {@code DEV} or {@code BUS/DEV}; {@code defaultBus} applies when no bus is given. */
  public static DeviceName parse(String text, String defaultBus) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return new DeviceName(defaultBus, text);
    }
    return new DeviceName(text.substring(0, slash), text.substring(slash + 1));
  }

  /** The file name driverctl persists this device's override under: {@code <bus>-<device>}. */
  public String persistedFileName() {
    return bus + "-" + name;
  }

  @Override
  public String toString() {
    return name;
  }
}
