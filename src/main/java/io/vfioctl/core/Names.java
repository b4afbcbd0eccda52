package io.vfioctl.core;

/** Validation of names that end up as path components or in sysfs writes. */
public final class Names {
  private static final int MAX_LENGTH = 255;
  /** How much of a value a message echoes. */
  public static final int ECHO_LIMIT = 64;

  private Names() {}

  /**
   * Rejects anything that could escape a directory, be mangled by the kernel or mislead on a
   * terminal: empty names, {@code .} and {@code ..}, slashes, and every character that is not
   * printable ASCII (white space, control characters, U+00A0, U+200B, U+202E, ...). Kernel
   * device, driver and bus names are all printable ASCII.
   */
  public static String requireComponent(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new InvalidNameException(what + " name is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidNameException(what + " name is longer than " + MAX_LENGTH + " characters");
    }
    if (!isComponent(value)) {
      throw new InvalidNameException("invalid " + what + " name: " + printable(value)
          + " (printable ASCII only, no slashes or spaces, not . or ..)");
    }
    return value;
  }

  /** Whether {@link #requireComponent} would accept {@code value}. */
  public static boolean isComponent(String value) {
    if (value.isEmpty() || value.length() > MAX_LENGTH || value.equals(".") || value.equals("..")) {
      return false;
    }
    return isPrintableAscii(value) && value.indexOf('/') < 0 && value.indexOf('\\') < 0;
  }

  /** Whether {@code value} is all printable ASCII, without spaces. */
  public static boolean isPrintableAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * A kernel module name as modules.alias or a user may give it: letters, digits, {@code _} and
   * {@code -} only (the kernel's own names are C identifiers; kmod treats {@code -} as {@code _}).
   */
  public static boolean isModuleName(String value) {
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Makes a value from a user or a file safe to echo on one line of a terminal: {@link #escaped},
   * and only the first {@value #ECHO_LIMIT} characters, marked with {@code …} when cut.
   */
  public static String printable(String value) {
    int end = Math.min(value.length(), ECHO_LIMIT);
    if (end < value.length() && Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    return end < value.length() ? escaped(value.substring(0, end)) + "…" : escaped(value);
  }

  /**
   * {@code value} with control characters as {@code \xNN} and invisible or direction-changing
   * ones as a backslash, u and four hex digits.
   */
  public static String escaped(String value) {
    if (isPlain(value)) {
      return value; // as nearly every name is: nothing to escape
    }
    StringBuilder b = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\x%02x", (int) c));
      } else if (isInvisible(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Whether {@code value} is printable ASCII and spaces only, which {@link #escaped} leaves as they are. */
  private static boolean isPlain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < ' ' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** Format characters (U+200B, U+202E, ...) and separators other than the plain space. */
  private static boolean isInvisible(char c) {
    int type = Character.getType(c);
    return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SPACE_SEPARATOR && c != ' ';
  }

  /** What {@code $(< file)} gives in a shell: the text without its trailing newlines. */
  public static String stripTrailingNewlines(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\n') {
      end--;
    }
    return s.substring(0, end);
  }
}
