package io.vfioctl.core;

import java.nio.charset.StandardCharsets;

/**
 * Finds the lines of a modules.alias text (read as ISO-8859-1 bytes) that start with a needle
 * ({@code alias vfio_pci:}), by comparing the window's last byte and skipping by it (Horspool). A
 * call reads the 27k lines of modules.alias while its code still runs interpreted; scanning in
 * chunks lets the compiled code of {@link #scan} take over early.
 */
final class AliasLines {
  private static final int CHUNK = 512;
  private final byte[] text;
  private final byte[] needle;
  private final int[] skip = new int[256];
  /** The last byte of the next window to look at. */
  private int end;

  AliasLines(byte[] text, String needle) {
    this.text = text;
    this.needle = needle.getBytes(StandardCharsets.ISO_8859_1);
    int last = this.needle.length - 1;
    for (int i = 0; i < skip.length; i++) {
      skip[i] = this.needle.length;
    }
    for (int i = 0; i < last; i++) {
      skip[this.needle[i] & 0xff] = last - i;
    }
    end = last;
  }

  /** Where the next line that starts with the needle starts, or -1. */
  int next() {
    while (end < text.length) {
      int found = scan(Math.min(end + CHUNK, text.length));
      if (found >= 0) {
        return found;
      }
    }
    return -1;
  }

  /** The line that starts at {@code from}, without its newline and surrounding white space. */
  static String line(byte[] text, int from) {
    int eol = from;
    while (eol < text.length && text[eol] != '\n') {
      eol++;
    }
    return new String(text, from, eol - from, StandardCharsets.ISO_8859_1).strip();
  }

  /** Looks at the windows that end before {@code limit}: a line's start, or -1 when none did. */
  private int scan(int limit) {
    byte[] t = text;
    int[] shift = skip;
    int last = needle.length - 1;
    byte lastByte = needle[last];
    int e = end;
    while (e < limit) {
      byte b = t[e];
      if (b == lastByte) {
        int start = e - last;
        if ((start == 0 || t[start - 1] == '\n') && matches(start)) {
          end = e + needle.length;
          return start;
        }
      }
      e += shift[b & 0xff];
    }
    end = e;
    return -1;
  }

  private boolean matches(int start) {
    for (int i = 0; i < needle.length - 1; i++) {
      if (text[start + i] != needle[i]) {
        return false;
      }
    }
    return true;
  }
}
