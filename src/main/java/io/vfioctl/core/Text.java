package io.vfioctl.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The few patterns read from sysfs, {@code /proc} and the journal, matched by hand: a regular
 * expression in {@code String.matches} or {@code split} is compiled on every call, and a call
 * reads many such values while its code still runs interpreted.
 */
public final class Text {
  /** The separators of {@code \s} in a regular expression. */
  public static final String WHITE_SPACE = " \t\n\u000B\f\r";

  private Text() {}

  /** Whether {@code s} is 1 to {@code max} ASCII digits ({@code [0-9]{1,max}}). */
  public static boolean isDigits(String s, int max) {
    return matches(s, max, "0123456789");
  }

  /** Whether {@code s} is 1 to {@code max} lower-case hex digits ({@code [0-9a-f]{1,max}}). */
  public static boolean isLowerHex(String s, int max) {
    return matches(s, max, "0123456789abcdef");
  }

  /** Whether {@code s} is 1 to {@code max} hex digits of either case ({@code [0-9a-fA-F]{1,max}}). */
  public static boolean isHex(String s, int max) {
    return matches(s, max, "0123456789abcdefABCDEF");
  }

  private static boolean matches(String s, int max, String allowed) {
    if (s.isEmpty() || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (allowed.indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code line.split("[" + separators + "]+")}: the text between runs of separators, with an
   * empty first field when the line starts with one and without empty fields at the end.
   */
  public static String[] fields(String line, String separators) {
    List<String> fields = new ArrayList<>();
    int start = 0;
    boolean split = false;
    for (int i = 0; i < line.length(); ) {
      if (separators.indexOf(line.charAt(i)) < 0) {
        i++;
        continue;
      }
      fields.add(line.substring(start, i));
      split = true;
      while (i < line.length() && separators.indexOf(line.charAt(i)) >= 0) {
        i++;
      }
      start = i;
    }
    if (!split) {
      return new String[] {line};
    }
    fields.add(line.substring(start));
    int size = fields.size();
    while (size > 0 && fields.get(size - 1).isEmpty()) {
      size--;
    }
    return fields.subList(0, size).toArray(new String[0]);
  }
}
