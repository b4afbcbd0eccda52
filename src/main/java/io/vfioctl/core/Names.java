package io.vfioctl.core;

/** Validation of names that end up as path components or in sysfs writes. */
public final class Names {
  private static final int MAX_LENGTH = 255;

  private Names() {}

  /**
   * Rejects anything that could escape a directory or be mangled by the kernel: empty names,
   * {@code .} and {@code ..}, slashes, white space and control characters.
   */
  public static String requireComponent(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new InvalidNameException(what + " name is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidNameException(what + " name is longer than " + MAX_LENGTH + " characters");
    }
    if (value.equals(".") || value.equals("..")) {
      throw new InvalidNameException("invalid " + what + " name: " + value);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/' || c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new InvalidNameException(
            "invalid " + what + " name: " + printable(value) + " (no slashes, spaces or control characters)");
      }
    }
    return value;
  }

  /** Makes a user-supplied value safe to echo in a one-line message. */
  public static String printable(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
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
