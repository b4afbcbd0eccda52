package io.vfioctl.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a change records in the journal before its first write: the device, everything needed
 * to put it back, where the change was going, and who made it, should the change be cut short
 * by a signal, {@code kill -9}, a crash or a power cut. One {@code key=value} line per fact;
 * values escaped so that no byte of a hostile sysfs value can forge a line.
 *
 * @param dir the device's sysfs directory, as the change used it (udev's DEVPATH)
 * @param before the override and driver before the change
 * @param savedBefore the saved override before the change, if there was one
 * @param target the override the change writes, and the driver it expects ({@code ""}: any
 *     driver; empty: it binds none)
 * @param owner the process that made the change: its pid and start time
 * @param transaction the change of several devices this one is part of: once it is committed
 *     (see {@code Journal#commit}), the entry stands for a finished change, not one to roll back
 */
public record ChangeRecord(DeviceName device, String dir, DeviceState before, Optional<String> savedBefore,
    DeviceState target, Owner owner, Optional<String> transaction) {

  /** A transaction's name: a few hex digits, a file name on its own. */
  public static boolean isTransaction(String id) {
    return Text.isLowerHex(id, 40);
  }

  /** {@code pid start}: {@code [0-9]{1,10} [0-9]{1,15}}. */
  private static boolean isOwner(String text) {
    int space = text.indexOf(' ');
    return space > 0 && Text.isDigits(text.substring(0, space), 10) && Text.isDigits(text.substring(space + 1), 15);
  }

  /** A process, told apart from a later one with the same pid by its start time. */
  public record Owner(long pid, long startMillis) {}

  public String encode() {
    StringBuilder b = new StringBuilder();
    line(b, "device", device.bus() + "/" + device.name());
    line(b, "dir", dir);
    before.override().ifPresent(v -> line(b, "override", v));
    before.driver().ifPresent(v -> line(b, "driver", v));
    savedBefore.ifPresent(v -> line(b, "saved", v));
    target.override().ifPresent(v -> line(b, "target-override", v));
    target.driver().ifPresent(v -> line(b, "target-driver", v));
    line(b, "owner", owner.pid() + " " + owner.startMillis());
    transaction.ifPresent(t -> line(b, "txn", t));
    return b.toString();
  }

  /**
   * Whether the device's state now is one this change could have left: an override from before
   * or the target, and the driver from before, none, or the target. Anything else means someone
   * changed the device since, and recovery must not undo their change.
   */
  public boolean couldHaveLeft(DeviceState now) {
    boolean override = now.override().equals(before.override()) || now.override().equals(target.override());
    boolean driver = now.driver().isEmpty() || now.driver().equals(before.driver())
        || target.driver().map(t -> t.isEmpty() || now.driver().get().equals(t)).orElse(false);
    return override && driver;
  }

  /**
   * @param file the journal file's name, which must be the device's
   * @throws InvalidNameException when the text is not a record this class wrote
   */
  public static ChangeRecord decode(String file, String text) {
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new InvalidNameException("malformed journal line: " + Names.printable(line));
      }
      fields.put(line.substring(0, eq), unescape(line.substring(eq + 1)));
    }
    String deviceText = fields.get("device");
    String dir = fields.get("dir");
    String ownerText = fields.get("owner");
    if (deviceText == null || dir == null || ownerText == null || !isOwner(ownerText)) {
      throw new InvalidNameException("journal entry without device, directory or owner");
    }
    DeviceName device = DeviceName.parse(deviceText, DeviceName.PCI);
    if (!file.equals(device.persistedFileName())) {
      throw new InvalidNameException("journal entry " + Names.printable(file) + " names another device, " + device);
    }
    // The directory is written to: it must be the device's own, below /sys, without a way up.
    if (!dir.startsWith("/sys/") || !dir.endsWith("/" + device.name()) || dir.contains("//")
        || (dir + "/").contains("/../") || (dir + "/").contains("/./")) {
      throw new InvalidNameException("journal entry with a directory that is not " + device + "'s: " + Names.printable(dir));
    }
    String[] owner = ownerText.split(" ");
    Optional<String> transaction = Optional.ofNullable(fields.get("txn"));
    if (transaction.isPresent() && !isTransaction(transaction.get())) {
      throw new InvalidNameException("journal entry with a malformed transaction: " + Names.printable(transaction.get()));
    }
    // Every name is written back to sysfs or a file on recovery: checked as if a user typed it.
    return new ChangeRecord(device, dir, new DeviceState(name(fields, "override"), name(fields, "driver")),
        name(fields, "saved"),
        new DeviceState(name(fields, "target-override"), Optional.ofNullable(fields.get("target-driver"))
            .map(v -> v.isEmpty() ? v : Names.requireComponent(v, "target-driver"))),
        new Owner(Long.parseLong(owner[0]), Long.parseLong(owner[1])), transaction);
  }

  public DevicePaths paths() {
    return new DevicePaths(device, dir);
  }

  private static Optional<String> name(Map<String, String> fields, String key) {
    return Optional.ofNullable(fields.get(key)).map(v -> Names.requireComponent(v, key));
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
