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
    return parseAll(latin1(modulesAlias.toString()), prefix);
  }

  /** As {@link #parseAll(CharSequence, String)}, over the file's bytes as read. */
  public static List<VfioAlias> parseAll(byte[] modulesAlias, String prefix) {
    List<VfioAlias> result = new ArrayList<>();
    AliasLines lines = new AliasLines(modulesAlias, "alias " + prefix);
    for (int from = lines.next(); from >= 0; from = lines.next()) {
      VfioAlias alias = ofLine(AliasLines.line(modulesAlias, from), prefix);
      if (alias != null) {
        result.add(alias);
      }
    }
    return result;
  }

  /** The alias of one line {@code alias <prefix><pattern> <module>}, or null when it is not a valid one. */
  static VfioAlias ofLine(String line, String prefix) {
    String[] words = Text.fields(line, Text.WHITE_SPACE);
    if (words.length == 3 && words[1].startsWith(prefix) && Names.isModuleName(words[2])
        && Names.isPrintableAscii(words[1])) {
      return new VfioAlias(words[1], ModaliasPattern.parse(words[1].substring(prefix.length())), words[2]);
    }
    return null;
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

  public boolean matches(String modaliasWithoutPrefix) {
    return Glob.matches(pattern.text(), modaliasWithoutPrefix);
  }
}
