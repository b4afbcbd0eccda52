package io.vfioctl.core;

/**
 * Shell-style pattern matching as kmod does it for modules.alias (glibc {@code fnmatch} with no
 * flags): {@code *} any run of characters, {@code ?} any one character, {@code [...]} a set
 * with ranges, POSIX classes ({@code [[:xdigit:]]}, in the C locale) and {@code !} or
 * {@code ^} negation ({@code ]} first is literal, an unclosed {@code [} is a literal), and
 * {@code \} quoting the next character.
 */
public final class Glob {
  private Glob() {}

  public static boolean matches(String pattern, String text) {
    int p = 0;
    int t = 0;
    int starP = -1;
    int starT = -1;
    while (t < text.length()) {
      if (p < pattern.length()) {
        char c = pattern.charAt(p);
        if (c == '*') {
          starP = ++p;
          starT = t;
          continue;
        }
        int next = matchOne(pattern, p, text.charAt(t));
        if (next >= 0) {
          p = next;
          t++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      p = starP;
      t = ++starT;
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  /** Matches one text character at pattern position {@code p}; the next position, or -1. */
  private static int matchOne(String pattern, int p, char ch) {
    char c = pattern.charAt(p);
    if (c == '?') {
      return p + 1;
    }
    if (c == '\\' && p + 1 < pattern.length()) {
      return pattern.charAt(p + 1) == ch ? p + 2 : -1;
    }
    if (c == '[') {
      int end = bracketEnd(pattern, p);
      if (end > 0) {
        return inSet(pattern, p + 1, end, ch) ? end + 1 : -1;
      }
    }
    return c == ch ? p + 1 : -1;
  }

  /** The index of the {@code ]} closing the set opened at {@code open}, or -1 if unclosed. */
  static int bracketEnd(String pattern, int open) {
    int i = open + 1;
    if (i < pattern.length() && (pattern.charAt(i) == '!' || pattern.charAt(i) == '^')) {
      i++;
    }
    if (i < pattern.length() && pattern.charAt(i) == ']') {
      i++;
    }
    for (; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      int classEnd = classEnd(pattern, i);
      if (classEnd > 0) {
        i = classEnd;
      } else if (c == '\\' && i + 1 < pattern.length()) {
        i++;
      } else if (c == ']') {
        return i;
      }
    }
    return -1;
  }

  /** The index of the {@code ]} closing a class {@code [:name:]} that starts at {@code i}, or -1. */
  private static int classEnd(String pattern, int i) {
    if (!pattern.startsWith("[:", i)) {
      return -1;
    }
    int close = pattern.indexOf(":]", i + 2);
    return close < 0 ? -1 : close + 1;
  }

  private static boolean inClass(String name, char ch) {
    return switch (name) {
      case "alnum" -> isAsciiLetter(ch) || isAsciiDigit(ch);
      case "alpha" -> isAsciiLetter(ch);
      case "blank" -> ch == ' ' || ch == '\t';
      case "cntrl" -> ch < 0x20 || ch == 0x7f;
      case "digit" -> isAsciiDigit(ch);
      case "graph" -> ch > 0x20 && ch < 0x7f;
      case "lower" -> ch >= 'a' && ch <= 'z';
      case "print" -> ch >= 0x20 && ch < 0x7f;
      case "punct" -> ch > 0x20 && ch < 0x7f && !isAsciiLetter(ch) && !isAsciiDigit(ch);
      case "space" -> ch == ' ' || (ch >= '\t' && ch <= '\r');
      case "upper" -> ch >= 'A' && ch <= 'Z';
      case "xdigit" -> isAsciiDigit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
      default -> false;
    };
  }

  private static boolean isAsciiLetter(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
  }

  private static boolean isAsciiDigit(char ch) {
    return ch >= '0' && ch <= '9';
  }

  private static boolean inSet(String pattern, int from, int end, char ch) {
    boolean negate = pattern.charAt(from) == '!' || pattern.charAt(from) == '^';
    int i = negate ? from + 1 : from;
    boolean found = false;
    boolean first = true;
    while (i < end) {
      int classEnd = classEnd(pattern, i);
      if (classEnd > 0 && classEnd <= end) {
        found |= inClass(pattern.substring(i + 2, classEnd - 1), ch);
        i = classEnd + 1;
        first = false;
        continue;
      }
      char lo = pattern.charAt(i);
      if (lo == '\\' && i + 1 < end) {
        lo = pattern.charAt(++i);
      } else if (lo == ']' && !first) {
        break;
      }
      first = false;
      char hi = lo;
      if (i + 2 < end && pattern.charAt(i + 1) == '-') {
        hi = pattern.charAt(i + 2);
        if (hi == '\\' && i + 3 < end) {
          hi = pattern.charAt(i + 3);
          i++;
        }
        i += 2;
      }
      if (lo <= ch && ch <= hi) {
        found = true;
      }
      i++;
    }
    return found != negate;
  }

  /** Whether {@code text} contains anything {@link #matches} treats specially. */
  public static boolean hasWildcard(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }
}
