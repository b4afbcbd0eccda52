package io.vfioctl.core;

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
    String needle = "alias " + prefix;
    int from = 0;
    while ((from = text.indexOf(needle, from)) >= 0) {
      if (from > 0 && text.charAt(from - 1) != '\n') {
        from += needle.length();
        continue;
      }
      int eol = text.indexOf('\n', from);
      String line = text.substring(from, eol < 0 ? text.length() : eol).strip();
      from = eol < 0 ? text.length() : eol;
      String[] words = line.split("\\s+");
      if (words.length == 3 && Names.isModuleName(words[2]) && Names.isPrintableAscii(words[1])) {
        String pattern = words[1].substring(prefix.length());
        result.add(new VfioAlias(words[1], ModaliasPattern.parse(pattern), words[2]));
      }
    }
    return result;
  }

  public boolean matches(String modaliasWithoutPrefix) {
    return Glob.matches(pattern.text(), modaliasWithoutPrefix);
  }
}
