package io.vfioctl.rules;

import io.vfioctl.core.Names;
import io.vfioctl.core.Text;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one rule file, systemd unit style: {@code [Match]} and {@code [Bind]} sections of
 * {@code Key=value} lines, {@code #} and {@code ;} comments. Anything it does not understand
 * makes the whole file void, so that a typo never widens a match.
 */
public final class RuleParser {
  private static final String MATCH = "Match";
  private static final String BIND = "Bind";

  private final String file;
  private final List<String> errors = new ArrayList<>();
  private final Map<MatchKey, Condition> match = new EnumMap<>(MatchKey.class);
  private final List<String> sections = new ArrayList<>();
  private String section;
  private int matchLine;
  private String driver;
  private Boolean group;
  private Boolean force;

  private RuleParser(String file) {
    this.file = file;
  }

  /** A file's rule, or why the file is void: each problem as {@code FILE:LINE: what}. */
  public record Parsed(Rule rule, List<String> errors) {
    public boolean isVoid() {
      return rule == null;
    }
  }

  /** @param file the path shown in messages and kept in the rule */
  public static Parsed parse(String file, String text) {
    RuleParser p = new RuleParser(file);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      p.line(i + 1, lines[i].strip());
    }
    return p.finish(lines.length);
  }

  private void line(int n, String line) {
    if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
      return;
    }
    if (line.startsWith("[")) {
      header(n, line);
      return;
    }
    int eq = line.indexOf('=');
    if (eq <= 0) {
      error(n, "not a Key=value line: " + Names.printable(line));
      return;
    }
    String key = line.substring(0, eq).strip();
    String value = line.substring(eq + 1).strip();
    if (section == null) {
      error(n, key + "= outside a section; put it under [Match] or [Bind]");
    } else if (section.equals(MATCH)) {
      matchKey(n, key, value);
    } else {
      bindKey(n, key, value);
    }
  }

  private void header(int n, String line) {
    if (!line.endsWith("]")) {
      error(n, "unclosed section header: " + Names.printable(line));
      section = "";
      return;
    }
    String name = line.substring(1, line.length() - 1);
    if (!name.equals(MATCH) && !name.equals(BIND)) {
      error(n, "unknown section [" + Names.printable(name) + "]; a rule has [Match] and [Bind]");
      section = "";
      return;
    }
    if (sections.contains(name)) {
      error(n, "[" + name + "] a second time; a file holds one rule");
    }
    sections.add(name);
    section = name;
    if (name.equals(MATCH)) {
      matchLine = n;
    }
  }

  private void matchKey(int n, String name, String value) {
    MatchKey key = MatchKey.named(name);
    if (key == null) {
      error(n, "unknown key " + Names.printable(name) + " in [Match]");
      return;
    }
    if (match.containsKey(key)) {
      error(n, name + "= a second time; put all its values on one line");
      return;
    }
    boolean negated = value.startsWith("!");
    String list = negated ? value.substring(1).strip() : value;
    if (list.isEmpty()) {
      error(n, name + "= has no value");
      return;
    }
    List<String> values = new ArrayList<>();
    for (String v : Text.fields(list, " \t")) {
      String normal = MatchValues.normalize(key, v);
      if (normal == null) {
        error(n, "bad " + name + " value " + Names.printable(v) + ": " + MatchValues.expected(key));
        return;
      }
      values.addAll(key == MatchKey.VIRTUAL_FUNCTION_INDEX ? List.of(normal.split(",")) : List.of(normal));
    }
    match.put(key, new Condition(key, List.copyOf(values), negated, n));
  }

  private void bindKey(int n, String name, String value) {
    switch (name) {
      case "Driver" -> {
        if (driver != null) {
          error(n, "Driver= a second time");
        } else if (!Names.isComponent(value)) {
          error(n, "bad Driver value " + Names.printable(value) + ": vfio, a driver name or none");
        } else {
          driver = value;
        }
      }
      case "Group" -> group = flag(n, name, value, group);
      case "Force" -> force = flag(n, name, value, force);
      default -> error(n, "unknown key " + Names.printable(name) + " in [Bind]");
    }
  }

  private Boolean flag(int n, String name, String value, Boolean before) {
    if (before != null) {
      error(n, name + "= a second time");
      return before;
    }
    switch (value) {
      case "yes", "true", "on", "1":
        return Boolean.TRUE;
      case "no", "false", "off", "0":
        return Boolean.FALSE;
      default:
        error(n, "bad " + name + " value " + Names.printable(value) + ": yes or no");
        return Boolean.FALSE;
    }
  }

  private Parsed finish(int lines) {
    if (errors.isEmpty()) {
      if (!sections.contains(MATCH) || match.isEmpty()) {
        error(Math.max(matchLine, 1), "no [Match] keys: a rule that matches every device must say Address=*");
      } else if (driver == null) {
        error(lines, "no Driver= in [Bind]: say vfio, a driver name or none");
      } else if (match.containsKey(MatchKey.VIRTUAL_FUNCTION_INDEX) && !match.containsKey(MatchKey.PHYSICAL_FUNCTION)
          && !match.containsKey(MatchKey.PHYSICAL_INTERFACE)) {
        error(match.get(MatchKey.VIRTUAL_FUNCTION_INDEX).line(),
            "VirtualFunctionIndex= goes with PhysicalFunction= or PhysicalInterface=");
      }
    }
    if (!errors.isEmpty()) {
      return new Parsed(null, List.copyOf(errors));
    }
    Rule rule = new Rule(file, matchLine, List.copyOf(match.values()), driver, Boolean.TRUE.equals(group),
        Boolean.TRUE.equals(force));
    return new Parsed(rule, List.of());
  }

  private void error(int n, String what) {
    errors.add(file + ":" + n + ": " + what);
  }
}
