package io.vfioctl.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code alias vfio_pci:<pattern> <module>} line of modules.alias: a VFIO driver that may be
 * bound to matching devices through {@code driver_override}.
 */
public record VfioAlias(String alias, ModaliasPattern pattern, String module) {
  public static final String PREFIX = "vfio_pci:";
  /** The prefix of host drivers' aliases, which {@link #parseAll(CharSequence, String)} also reads. */
  public static final String HOST_PREFIX = "pci:";
  public static final String GENERIC_MODULE = "vfio_pci";

  /**
   * The {@code vfio_pci:} lines of a modules.alias text, in file order. Other lines are skipped
   * with a prefix test, so a 27k-line file costs little more than reading it. So are lines whose
   * module is no module name or whose pattern is not printable ASCII: the module becomes a path
   * and a driver name, and both are printed.
   */
  public static List<VfioAlias> parseAll(CharSequence modulesAlias) {
    return parseAll(modulesAlias, PREFIX);
  }

  /** The lines of one prefix: {@link #PREFIX}, or {@link #HOST_PREFIX} for the host drivers'. */
  public static List<VfioAlias> parseAll(CharSequence modulesAlias, String prefix) {
    List<VfioAlias> result = new ArrayList<>();
    String text = modulesAlias.toString();
    byte[] needle = ("alias " + prefix).getBytes(StandardCharsets.ISO_8859_1);
    LineFinder lines = new LineFinder(latin1(text), needle);
    for (int from = lines.next(); from >= 0; from = lines.next()) {
      int eol = text.indexOf('\n', from);
      String line = text.substring(from, eol < 0 ? text.length() : eol).strip();
      String[] words = Text.fields(line, Text.WHITE_SPACE);
      if (words.length == 3 && Names.isModuleName(words[2]) && Names.isPrintableAscii(words[1])) {
        String pattern = words[1].substring(prefix.length());
        result.add(new VfioAlias(words[1], ModaliasPattern.parse(pattern), words[2]));
      }
    }
    return result;
  }

  /**
   * One byte per char of {@code text}, at the same index: the char itself up to U+00FF (all a
   * modules.alias read as ISO-8859-1 holds), and a NUL byte, which no needle has, above.
   */
  private static byte[] latin1(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    if (bytes.length != text.length()) { // a surrogate pair became one '?'
      bytes = new byte[text.length()];
      for (int i = 0; i < bytes.length; i++) {
        char c = text.charAt(i);
        bytes[i] = c <= 0xff ? (byte) c : 0;
      }
    }
    return bytes;
  }

  /**
   * Finds the lines that start with a needle by comparing the window's last byte and skipping
   * by it (Horspool). A call reads the 27k lines of modules.alias while its code still runs
   * interpreted; scanning in chunks lets the compiled code of {@link #scan} take over early.
   */
  private static final class LineFinder {
    private static final int CHUNK = 512;
    private final byte[] text;
    private final byte[] needle;
    private final int[] skip = new int[256];
    /** The last byte of the next window to look at. */
    private int end;

    LineFinder(byte[] text, byte[] needle) {
      this.text = text;
      this.needle = needle;
      int last = needle.length - 1;
      for (int i = 0; i < skip.length; i++) {
        skip[i] = needle.length;
      }
      for (int i = 0; i < last; i++) {
        skip[needle[i] & 0xff] = last - i;
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

  public boolean matches(String modaliasWithoutPrefix) {
    return Glob.matches(pattern.text(), modaliasWithoutPrefix);
  }
}
