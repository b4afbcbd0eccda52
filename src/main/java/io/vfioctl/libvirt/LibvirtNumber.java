package io.vfioctl.libvirt;

import java.util.OptionalLong;

/**
 * Reads an unsigned number the way libvirt reads a PCI address attribute: {@code
 * virXMLPropUInt(node, name, 0, …)} hands it to {@code virStrToLong_uip}, which calls {@code
 * g_ascii_strtoull} with base 0 and takes the result only if the whole string was used, no {@code
 * -} sign was given and it fits 32 bits. So: leading white space and a {@code +} are allowed,
 * {@code 0x} (or {@code 0X}) starts hex, a leading {@code 0} starts <em>octal</em> ({@code 010} is
 * 8, {@code 08} is an error), anything else is decimal; no trailing characters.
 */
final class LibvirtNumber {
  private static final long UINT_MAX = 0xffff_ffffL;

  private LibvirtNumber() {}

  /** The value, or empty when libvirt would refuse the text. */
  static OptionalLong parse(String text) {
    int i = 0;
    int n = text.length();
    while (i < n && isAsciiSpace(text.charAt(i))) {
      i++;
    }
    if (i < n && text.charAt(i) == '+') {
      i++;
    }
    int radix = 10;
    if (i + 1 < n && text.charAt(i) == '0' && (text.charAt(i + 1) | 0x20) == 'x') {
      radix = 16;
      i += 2;
    } else if (i < n && text.charAt(i) == '0') {
      radix = 8;
    }
    if (i == n) {
      return OptionalLong.empty();
    }
    long value = 0;
    for (; i < n; i++) {
      char c = text.charAt(i);
      int digit = c < 0x80 ? Character.digit(c, radix) : -1;
      if (digit < 0) {
        return OptionalLong.empty();
      }
      value = value * radix + digit;
      if (value > UINT_MAX) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(value);
  }

  /** g_ascii_isspace: space, tab, line feed, vertical tab, form feed, carriage return. */
  private static boolean isAsciiSpace(char c) {
    return c == ' ' || c >= '\t' && c <= '\r';
  }
}
