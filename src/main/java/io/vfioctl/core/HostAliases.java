package io.vfioctl.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code alias pci:<pattern> <module>} lines of modules.alias (host drivers, about 9,500 on
 * Debian), to find the module that would claim a device. Each line is only placed by the vendor
 * and device its pattern fixes when indexed; a look-up parses and matches only the lines that
 * could match, in file order, so asking for a few dozen distinct devices costs one pass over the
 * file rather than a glob match of every line per device.
 */
public final class HostAliases {
  private static final String NEEDLE = "alias " + VfioAlias.HOST_PREFIX;

  private final byte[] text;
  /** The lines that fix vendor and device, by both; those that fix only the vendor, by it; the others. */
  private final Map<Long, Lines> byDevice = new HashMap<>();
  private final Map<Long, Lines> byVendor = new HashMap<>();
  private final Lines open = new Lines();

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
    byte[] fields = subject.getBytes(StandardCharsets.ISO_8859_1);
    long vendor = fixedField(fields, 0, 'v');
    long device = vendor < 0 ? -1 : fixedField(fields, 9, 'd');
    if (vendor < 0 || device < 0) { // no device's modalias: every line may match it
      return first(subject, Lines.all(byDevice, byVendor, open));
    }
    Lines exact = byDevice.get(vendor << 32 | device);
    Lines ofVendor = byVendor.get(vendor);
    return first(subject, Lines.merged(exact, ofVendor, open));
  }

  private Optional<String> first(String subject, int[] starts) {
    for (int from : starts) {
      VfioAlias alias = VfioAlias.ofLine(AliasLines.line(text, from), VfioAlias.HOST_PREFIX);
      if (alias != null && alias.matches(subject)) {
        return Optional.of(alias.module());
      }
    }
    return Optional.empty();
  }

  private void add(int from) {
    int pattern = from + NEEDLE.length();
    long vendor = fixedField(text, pattern, 'v');
    long device = vendor < 0 ? -1 : fixedField(text, pattern + 9, 'd');
    Lines lines = vendor < 0 ? open
        : device < 0 ? byVendor.computeIfAbsent(vendor, v -> new Lines())
        : byDevice.computeIfAbsent(vendor << 32 | device, k -> new Lines());
    lines.add(from);
  }

  /** Where some lines start, in file order. */
  private static final class Lines {
    private int[] starts = new int[2];
    private int count;

    void add(int from) {
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
      }
      starts[count++] = from;
    }

    /** The lines of all three, in file order (each is in file order, and none shares a line). */
    static int[] merged(Lines a, Lines b, Lines c) {
      int[] all = new int[size(a) + size(b) + size(c)];
      int n = 0;
      for (Lines l : new Lines[] {a, b, c}) {
        if (l != null) {
          System.arraycopy(l.starts, 0, all, n, l.count);
          n += l.count;
        }
      }
      Arrays.sort(all);
      return all;
    }

    static int[] all(Map<Long, Lines> byDevice, Map<Long, Lines> byVendor, Lines open) {
      Lines every = new Lines();
      for (Map<Long, Lines> m : List.of(byDevice, byVendor)) {
        for (Lines l : m.values()) {
          for (int i = 0; i < l.count; i++) {
            every.add(l.starts[i]);
          }
        }
      }
      return merged(every, null, open);
    }

    private static int size(Lines l) {
      return l == null ? 0 : l.count;
    }
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

  private static int hexDigit(int c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
}
