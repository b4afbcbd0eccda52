package io.vfioctl.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a change records in the journal before its first write: the device and everything needed
 * to put it back, should the change be cut short by a signal, {@code kill -9}, a crash or a
 * power cut. One {@code key=value} line per fact; values escaped so that no byte of a hostile
 * sysfs value can forge a line.
 *
 * @param dir the device's sysfs directory, as the change used it (udev's DEVPATH)
 * @param before the override and driver before the change
 * @param savedBefore the saved override before the change, if there was one
 */
public record ChangeRecord(DeviceName device, String dir, DeviceState before, Optional<String> savedBefore) {

  public String encode() {
    StringBuilder b = new StringBuilder();
    line(b, "device", device.bus() + "/" + device.name());
    line(b, "dir", dir);
    before.override().ifPresent(v -> line(b, "override", v));
    before.driver().ifPresent(v -> line(b, "driver", v));
    savedBefore.ifPresent(v -> line(b, "saved", v));
    return b.toString();
  }

  /** @throws InvalidNameException when the text is not a record this class wrote */
  public static ChangeRecord decode(String text) {
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new InvalidNameException("malformed journal line: " + Names.printable(line));
      }
      fields.put(line.substring(0, eq), unescape(line.substring(eq + 1)));
    }
    String device = fields.get("device");
    String dir = fields.get("dir");
    if (device == null || dir == null || !dir.startsWith("/sys/") || dir.contains("/../")) {
      throw new InvalidNameException("journal entry without a valid device or directory");
    }
    // Every name is written back to sysfs or a file on recovery: checked as if a user typed it.
    return new ChangeRecord(DeviceName.parse(device, DeviceName.PCI), dir,
        new DeviceState(name(fields, "override"), name(fields, "driver")), name(fields, "saved"));
  }

  private static Optional<String> name(Map<String, String> fields, String key) {
    return Optional.ofNullable(fields.get(key)).map(v -> Names.requireComponent(v, key));
  }

  public DevicePaths paths() {
    return new DevicePaths(device, dir);
  }

  private static void line(StringBuilder b, String key, String value) {
    b.append(key).append('=').append(value.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
  }

  private static String unescape(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        char next = value.charAt(++i);
        b.append(next == 'n' ? '\n' : next);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
