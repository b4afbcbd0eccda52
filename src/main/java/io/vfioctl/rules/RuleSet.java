package io.vfioctl.rules;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules in effect, in the order their files are read, with the files that are masked or
 * void. The first rule that matches a device decides it.
 *
 * @param masked files disabled by a link to {@code /dev/null}
 * @param errors each problem of a void file as {@code FILE:LINE: what}
 * @param voids the void files
 */
public record RuleSet(List<Rule> rules, List<String> masked, List<String> voids, List<String> errors) {
  public static final RuleSet EMPTY = new RuleSet(List.of(), List.of(), List.of(), List.of());

  /** The rule that decides {@code d}: the first that matches. */
  public Optional<Rule> decide(Facts d) {
    for (Rule r : rules) {
      if (r.matches(d)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** Every rule that matches {@code d}, in order: those after the first are shadowed. */
  public List<Rule> matching(Facts d) {
    return matcher().matching(d);
  }

  /** The rules made ready for matching many devices. */
  RuleMatcher matcher() {
    return new RuleMatcher(rules);
  }

  /** The keys the rules ask about: only those facts need reading. */
  public Set<MatchKey> keysUsed() {
    Set<MatchKey> keys = EnumSet.noneOf(MatchKey.class);
    for (Rule r : rules) {
      r.match().forEach(c -> keys.add(c.key()));
    }
    return keys;
  }

  /** The rule read from {@code name} (a file name without its directory), if it is in effect. */
  public Optional<Rule> named(String name) {
    return rules.stream().filter(r -> r.name().equals(name)).findFirst();
  }
}
