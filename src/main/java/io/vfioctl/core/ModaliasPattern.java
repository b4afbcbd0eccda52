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
  /** How many hex digits each field has in a device's modalias. */
  private static final int[] WIDTHS = {8, 8, 8, 8, 2, 2, 2};

  public ModaliasPattern {
    fields = List.copyOf(fields);
  }

  /**
   * Splits {@code text} (without the {@code pci:} or {@code vfio_pci:} prefix). A pattern that
   * stops early ({@code v000015B3d0000101E*}) leaves the fields after it to its final {@code *}.
   * One that does not start with the fields in order is treated as wildcarding all of them, so
   * it ranks last rather than being lost.
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
        fields.add(text.substring(start));
        while (fields.size() < FIELDS) {
          fields.add("*");
        }
        return new ModaliasPattern(text, fields);
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

  /**
   * Whether the field leaves its value open. A field that fixes every digit is fixed even when
   * a {@code *} follows, as the kernel writes after the interface byte ({@code i00*}): a
   * modalias field has a fixed width, so that {@code *} can only match nothing.
   */
  public boolean isWildcard(int field) {
    String value = fields.get(field);
    int end = value.length();
    while (end > 0 && value.charAt(end - 1) == '*') {
      end--;
    }
    return end != WIDTHS[field] || Glob.hasWildcard(value.substring(0, end));
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
