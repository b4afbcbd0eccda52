package io.vfioctl.core;

/**
 * A PCI function address in the kernel's canonical form {@code DDDD:BB:DD.F} (lower-case hex).
 * Upper-case hex digits are read too; other digits (Arabic-Indic, full-width, ...) are not.
 */
public record PciAddress(int domain, int bus, int slot, int function) implements Comparable<PciAddress> {

  public PciAddress {
    if (domain < 0 || domain > 0xffff || bus < 0 || bus > 0xff || slot < 0 || slot > 0x1f
        || function < 0 || function > 7) {
      throw new InvalidNameException("PCI address out of range");
    }
  }

  /** Parses {@code DDDD:BB:DD.F}; the domain is required, as in sysfs. */
  public static PciAddress parse(String text) {
    if (text.length() != 12 || text.charAt(4) != ':' || text.charAt(7) != ':' || text.charAt(10) != '.') {
      throw invalid(text);
    }
    try {
      return new PciAddress(
          hex(text, 0, 4), hex(text, 5, 7), hex(text, 8, 10), hex(text, 11, 12));
    } catch (InvalidNameException e) {
      throw invalid(text);
    }
  }

  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (InvalidNameException e) {
      return false;
    }
  }

  private static int hex(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      int digit = c < 0x80 ? Character.digit(c, 16) : -1;
      if (digit < 0) {
        throw new InvalidNameException("not hex");
      }
      value = value * 16 + digit;
    }
    return value;
  }

  private static InvalidNameException invalid(String text) {
    return new InvalidNameException(
        "invalid PCI address: " + Names.printable(text) + " (expected DDDD:BB:DD.F, e.g. 0000:03:00.0)");
  }

  @Override
  public int compareTo(PciAddress o) {
    return Long.compare(key(), o.key());
  }

  private long key() {
    return ((long) domain << 16) | (bus << 8) | (slot << 3) | function;
  }

  /**
   * {@code DDDD:BB:DD.F}, written out by hand: every device name goes through here, and a
   * Formatter costs a cold call much more.
   */
  @Override
  public String toString() {
    char[] text = new char[12];
    digits(text, 0, 4, domain);
    text[4] = ':';
    digits(text, 5, 2, bus);
    text[7] = ':';
    digits(text, 8, 2, slot);
    text[10] = '.';
    digits(text, 11, 1, function);
    return new String(text);
  }

  private static void digits(char[] into, int at, int count, int value) {
    for (int i = at + count - 1; i >= at; i--, value >>>= 4) {
      into[i] = Character.forDigit(value & 0xf, 16);
    }
  }
}
