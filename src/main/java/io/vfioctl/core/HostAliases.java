package io.vfioctl.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code alias pci:<pattern> <module>} lines of modules.alias (host drivers, about 9,500 on
 * Debian), to find the module that would claim a device. Each line is only placed by the vendor
 * and device its pattern fixes when indexed; a look-up parses and matches only the lines that
 * could match, in file order, so asking for a few dozen distinct devices costs one pass over the
 * file rather than a glob match of every line per device.
 */
public final class HostAliases {
  /** A line whose pattern fixes vendor and device, fixes only the vendor, or neither. */
  private static final byte BOTH = 0;
  private static final byte VENDOR = 1;
  private static final byte OPEN = 2;
  private static final String NEEDLE = "alias " + VfioAlias.HOST_PREFIX;

  private final byte[] text;
  private int[] starts = new int[1024];
  private long[] keys = new long[1024];
  private byte[] kinds = new byte[1024];
  private int count;

  private HostAliases(byte[] text) {
    this.text = text;
  }

  /** Indexes the {@code pci:} lines of {@code text}, one or more alias files read as bytes and joined by newlines. */
  public static HostAliases index(byte[] text) {
    HostAliases aliases = new HostAliases(text);
    AliasLines lines = new AliasLines(text, NEEDLE);
    for (int from = lines.next(); from >= 0; from = lines.next()) {
      aliases.add(from);
    }
    return aliases;
  }

  /**
   * The module of the first line, in file order, whose pattern matches {@code modalias} (with or
   * without its {@code pci:}); empty when none does.
   */
  public Optional<String> moduleFor(String modalias) {
    String subject = modalias.startsWith(VfioAlias.HOST_PREFIX) ? modalias.substring(VfioAlias.HOST_PREFIX.length())
        : modalias;
    long vendor = fixedField(subject, 0, 'v');
    long device = vendor < 0 ? -1 : fixedField(subject, 9, 'd');
    boolean indexed = vendor >= 0 && device >= 0;
    long both = vendor << 32 | device;
    for (int i = 0; i < count; i++) {
      boolean candidate = !indexed || switch (kinds[i]) {
        case BOTH -> keys[i] == both;
        case VENDOR -> keys[i] == vendor;
        default -> true;
      };
      if (candidate) {
        VfioAlias alias = VfioAlias.ofLine(AliasLines.line(text, starts[i]), VfioAlias.HOST_PREFIX);
        if (alias != null && alias.matches(subject)) {
          return Optional.of(alias.module());
        }
      }
    }
    return Optional.empty();
  }

  private void add(int from) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      keys = Arrays.copyOf(keys, count * 2);
      kinds = Arrays.copyOf(kinds, count * 2);
    }
    int pattern = from + NEEDLE.length();
    long vendor = fixedField(text, pattern, 'v');
    long device = vendor < 0 ? -1 : fixedField(text, pattern + 9, 'd');
    starts[count] = from;
    kinds[count] = vendor < 0 ? OPEN : device < 0 ? VENDOR : BOTH;
    keys[count] = vendor < 0 ? 0 : device < 0 ? vendor : vendor << 32 | device;
    count++;
  }

  /**
   * The value of the field {@code marker} + eight upper-case hex digits at {@code at}, or -1 when
   * it is not written that way there (a glob, another case, too short): such a line is matched
   * in full against every device.
   */
  private static long fixedField(byte[] text, int at, char marker) {
    if (at + 9 > text.length || text[at] != marker) {
      return -1;
    }
    long value = 0;
    for (int i = at + 1; i < at + 9; i++) {
      int digit = hexDigit(text[i]);
      if (digit < 0) {
        return -1;
      }
      value = value << 4 | digit;
    }
    return value;
  }

  private static long fixedField(String text, int at, char marker) {
    if (at + 9 > text.length() || text.charAt(at) != marker) {
      return -1;
    }
    long value = 0;
    for (int i = at + 1; i < at + 9; i++) {
      int digit = hexDigit(text.charAt(i));
      if (digit < 0) {
        return -1;
      }
      value = value << 4 | digit;
    }
    return value;
  }

  private static int hexDigit(int c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
}
