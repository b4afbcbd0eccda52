package io.vfioctl.api;

import java.util.List;

/**
 * Binding rules as read (vfioctl.bind(5)): the rules in effect in the order they count, the
 * masked files and the void ones, with each problem of a void file as {@code FILE:LINE: what}.
 */
public record BindingRules(List<Rule> rules, List<String> masked, List<String> voids, List<String> errors) {

  /**
   * One rule file.
   *
   * @param match its {@code [Match]} lines as written, normalized ({@code Vendor=10de}, {@code Class=!03????})
   * @param driver {@code vfio}, a driver name, or {@code none}
   */
  public record Rule(String file, int line, List<String> match, String driver, boolean group, boolean force) {}

  static BindingRules from(io.vfioctl.rules.RuleSet set) {
    return new BindingRules(set.rules().stream().map(BindingRules::rule).toList(), set.masked(), set.voids(),
        set.errors());
  }

  private static Rule rule(io.vfioctl.rules.Rule r) {
    return new Rule(r.file(), r.line(), r.match().stream().map(Object::toString).toList(), r.driver(), r.group(),
        r.force());
  }
}
