package io.vfioctl.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Rules made ready to be tested against many devices: each rule's conditions in an array, the
 * cheapest first (see {@link MatchKey#cost}), so that a device failing one is not read further.
 * Plain loops over arrays: a call runs this code compiled by C1 only, which allocates every
 * iterator and lambda.
 */
final class RuleMatcher {
  private final Rule[] rules;
  private final Condition[][] conditions;

  RuleMatcher(List<Rule> rules) {
    this.rules = rules.toArray(new Rule[0]);
    this.conditions = new Condition[this.rules.length][];
    for (int i = 0; i < this.rules.length; i++) {
      conditions[i] = cheapestFirst(this.rules[i].match());
    }
  }

  /** Every rule that matches {@code d}, in order; see {@link RuleSet#matching}. */
  List<Rule> matching(Facts d) {
    List<Rule> found = null;
    for (int i = 0; i < rules.length; i++) {
      if (allHold(conditions[i], d)) {
        if (found == null) {
          found = new ArrayList<>(2);
        }
        found.add(rules[i]);
      }
    }
    return found == null ? List.of() : found;
  }

  private static boolean allHold(Condition[] conditions, Facts d) {
    for (Condition c : conditions) {
      if (!c.test(d)) {
        return false;
      }
    }
    return true;
  }

  /** The conditions ordered by cost, those of one cost in their file's order. */
  static Condition[] cheapestFirst(List<Condition> match) {
    Condition[] sorted = new Condition[match.size()];
    int n = 0;
    for (int cost = 0; cost <= MatchKey.MAX_COST; cost++) {
      for (int i = 0; i < match.size(); i++) {
        if (match.get(i).key().cost() == cost) {
          sorted[n++] = match.get(i);
        }
      }
    }
    return sorted;
  }
}
