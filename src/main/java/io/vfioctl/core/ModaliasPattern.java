package io.vfioctl.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A PCI modalias or alias pattern split into its seven fields {@code v d sv sd bc sc i}. The
 * markers are lower case and the hex digits upper case, so the split is unambiguous outside
 * {@code [...]} sets.
 */
public record ModaliasPattern(String text, List<String> fields) {
  public static final List<String> MARKERS = List.of("v", "d", "sv", "sd", "bc", "sc", "i");
  public static final int FIELDS = MARKERS.size();

  public ModaliasPattern {
    fields = List.copyOf(fields);
  }

  /**
   * Splits {@code text} (without the {@code pci:} or {@code vfio_pci:} prefix). A pattern that
   * does not have the seven fields in order is treated as wildcarding all of them, so it ranks
   * last rather than being lost.
   */
  public static ModaliasPattern parse(String text) {
    List<String> fields = new ArrayList<>(FIELDS);
    int pos = 0;
    for (int f = 0; f < FIELDS; f++) {
      String marker = MARKERS.get(f);
      if (!text.startsWith(marker, pos)) {
        return unstructured(text);
      }
      int start = pos + marker.length();
      int end = f + 1 < FIELDS ? find(text, MARKERS.get(f + 1), start) : text.length();
      if (end < 0) {
        return unstructured(text);
      }
      fields.add(text.substring(start, end));
      pos = end;
    }
    return new ModaliasPattern(text, fields);
  }

  private static ModaliasPattern unstructured(String text) {
    return new ModaliasPattern(text, List.of("*", "*", "*", "*", "*", "*", "*"));
  }

  /** The next occurrence of {@code marker} at or after {@code from}, outside any {@code [...]} set. */
  private static int find(String text, String marker, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '[') {
        int end = Glob.bracketEnd(text, i);
        if (end > 0) {
          i = end;
          continue;
        }
      }
      if (c == '\\') {
        i++;
        continue;
      }
      if (text.startsWith(marker, i)) {
        return i;
      }
    }
    return -1;
  }

  public boolean isWildcard(int field) {
    return Glob.hasWildcard(fields.get(field));
  }

  public int wildcardFields() {
    int n = 0;
    for (int f = 0; f < FIELDS; f++) {
      if (isWildcard(f)) {
        n++;
      }
    }
    return n;
  }
}
