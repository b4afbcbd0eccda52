package io.vfioctl.core;

import java.util.Optional;

/**
 * The file in which {@code detach} records a device's driver and override from before, for
 * {@code reattach}: two lines, {@code driver=e1000} and {@code override=} (empty for none).
 */
public final class OriginalState {
  private OriginalState() {}

  public static String encode(DeviceState original) {
    return "driver=" + original.driver().orElse("") + "\noverride=" + original.override().orElse("") + "\n";
  }

  /** @throws InvalidNameException when the text is not such a record, or names what no driver could be called */
  public static DeviceState decode(String text) throws InvalidNameException {
    String[] lines = Names.stripTrailingNewlines(text).split("\n", -1);
    if (lines.length != 2 || !lines[0].startsWith("driver=") || !lines[1].startsWith("override=")) {
      throw new InvalidNameException("not a record of vfioctl detach (two lines, driver= and override=)");
    }
    return new DeviceState(name(lines[1].substring("override=".length()), "override"),
        name(lines[0].substring("driver=".length()), "driver"));
  }

  private static Optional<String> name(String value, String what) throws InvalidNameException {
    return value.isEmpty() ? Optional.empty() : Optional.of(Names.requireComponent(value, what));
  }
}
