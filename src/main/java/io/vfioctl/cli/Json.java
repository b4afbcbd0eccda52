package io.vfioctl.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Just enough JSON writing for vfioctl's documents; values are String, Number, Boolean, null, Optional, List, Map. */
final class Json {
  private Json() {}

  /** A number as a number, anything else as text ({@code iommu_group}, {@code numa_node}). */
  static Object numberOrText(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return s;
    }
  }

  static String write(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value, 0);
    return b.append('\n').toString();
  }

  private static void write(StringBuilder b, Object value, int indent) {
    if (value instanceof Optional<?> o) {
      write(b, o.orElse(null), indent);
    } else if (value == null) {
      b.append("null");
    } else if (value instanceof String s) {
      quote(b, s);
    } else if (value instanceof Number || value instanceof Boolean) {
      b.append(value);
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        b.append("{}");
        return;
      }
      b.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        pad(b, indent + 1);
        quote(b, String.valueOf(e.getKey()));
        b.append(": ");
        write(b, e.getValue(), indent + 1);
        b.append(++i < map.size() ? ",\n" : "\n");
      }
      pad(b, indent);
      b.append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        b.append("[]");
        return;
      }
      b.append("[\n");
      for (int i = 0; i < list.size(); i++) {
        pad(b, indent + 1);
        write(b, list.get(i), indent + 1);
        b.append(i + 1 < list.size() ? ",\n" : "\n");
      }
      pad(b, indent);
      b.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    }
  }

  private static void pad(StringBuilder b, int indent) {
    b.append("  ".repeat(indent));
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
              || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
