package io.vfioctl.rules;

import io.vfioctl.core.DeviceType;
import io.vfioctl.core.Glob;
import io.vfioctl.core.Names;
import io.vfioctl.core.PciAddress;
import io.vfioctl.core.Text;
import java.util.Locale;
import java.util.Optional;

/** What each {@code [Match]} key accepts, and the form its values are matched in. */
final class MatchValues {
  private static final int MAX_VF_INDEX = 65_535;

  private MatchValues() {}

  /**
   * {@code value} in the form {@link Condition} matches (several, comma-separated, for a list of
   * ranges), or null when the key does not accept it.
   */
  static String normalize(MatchKey key, String value) {
    return switch (key) {
      case VENDOR, DEVICE, SUBSYSTEM_VENDOR, SUBSYSTEM_DEVICE -> hex(value, 4);
      case CLASS -> classValue(value);
      case ADDRESS, PHYSICAL_FUNCTION -> address(value);
      case VIRTUAL_FUNCTION_INDEX -> ranges(value);
      case PHYSICAL_INTERFACE, DRIVER -> Names.isComponent(value) ? value : null;
      case NUMA_NODE -> Text.isDigits(value.startsWith("-") ? value.substring(1) : value, 5) || globOf(value, "0123456789-") ? value : null;
    };
  }

  static String expected(MatchKey key) {
    return switch (key) {
      case VENDOR, DEVICE, SUBSYSTEM_VENDOR, SUBSYSTEM_DEVICE -> "hex, 0x optional, up to 4 digits, globs allowed";
      case CLASS -> "6 hex digits (globs allowed) or a type word: " + typeWords();
      case ADDRESS, PHYSICAL_FUNCTION -> "a PCI address DDDD:BB:DD.F, globs allowed";
      case VIRTUAL_FUNCTION_INDEX -> "VF indexes and ranges such as 0-3,7";
      case PHYSICAL_INTERFACE -> "an interface name, globs allowed";
      case DRIVER -> "a driver name, globs allowed";
      case NUMA_NODE -> "a NUMA node number";
    };
  }

  /** A hex ID of {@code digits} digits (shorter ones padded), or a glob over one. */
  private static String hex(String value, int digits) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.startsWith("0x")) {
      v = v.substring(2);
    }
    if (v.isEmpty()) {
      return null;
    }
    if (Glob.hasWildcard(v)) {
      return globOf(v, "0123456789abcdef") ? v : null;
    }
    if (v.length() > digits || !isHex(v)) {
      return null;
    }
    return "0".repeat(digits - v.length()) + v;
  }

  private static String classValue(String value) {
    Optional<DeviceType> type = DeviceType.byName(value);
    if (type.isPresent() && type.get() != DeviceType.ALL) {
      return type.get().baseClass() + "????";
    }
    String digits = value.toLowerCase(Locale.ROOT).startsWith("0x") ? value.substring(2) : value;
    // Six digits exactly: a short class is not padded, as 0300 could mean 030000 or 000300.
    return Glob.hasWildcard(digits) || digits.length() == 6 ? hex(value, 6) : null;
  }

  private static String typeWords() {
    StringBuilder b = new StringBuilder();
    for (DeviceType t : DeviceType.values()) {
      if (t != DeviceType.ALL) {
        b.append(b.length() == 0 ? "" : ", ").append(t.label());
      }
    }
    return b.toString();
  }

  private static String address(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (Glob.hasWildcard(v)) {
      return globOf(v, "0123456789abcdef:.") ? v : null;
    }
    return PciAddress.isValid(v) ? v : null;
  }

  /** {@code 0-3,7}: each part a number or an ascending range. */
  private static String ranges(String value) {
    for (String part : value.split(",", -1)) {
      int dash = part.indexOf('-');
      String lo = dash < 0 ? part : part.substring(0, dash);
      String hi = dash < 0 ? part : part.substring(dash + 1);
      if (!isIndex(lo) || !isIndex(hi) || Integer.parseInt(lo) > Integer.parseInt(hi)) {
        return null;
      }
    }
    return value;
  }

  private static boolean isIndex(String s) {
    return Text.isDigits(s, 5) && Integer.parseInt(s) <= MAX_VF_INDEX;
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code v} is a glob whose literal characters are all among {@code allowed}. */
  private static boolean globOf(String v, String allowed) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if ("*?[]!^-".indexOf(c) < 0 && allowed.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }
}
