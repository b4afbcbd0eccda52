package io.vfioctl.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules made ready to be tested against many devices: each rule's conditions in an array, the
 * cheapest first (see {@link MatchKey#cost}), so that a device failing one is not read further.
 * Plain loops over arrays: a call runs this code compiled by C1 only, which allocates every
 * iterator and lambda.
 *
 * <p>A rule's conditions on the five IDs (vendor ... class) depend on nothing else, and hosts
 * repeat IDs (a card's VFs, identical NICs): for a device whose {@link Facts#idsKey} names its
 * IDs, what they make of each rule is worked out once per key and remembered.
 */
final class RuleMatcher {
  private static final byte UNKNOWN = 0;
  private static final byte HOLD = 1;
  private static final byte FAIL = 2;

  private final Rule[] rules;
  private final Condition[][] conditions;
  /** Per rule, where its conditions on IDs are in {@link #conditions}: from, and to (exclusive). */
  private final int[] idsFrom;
  private final int[] idsTo;
  /** By {@link Facts#idsKey}, per rule, whether its ID conditions hold. */
  private final Map<String, byte[]> byIds = new HashMap<>();

  RuleMatcher(List<Rule> rules) {
    this.rules = rules.toArray(new Rule[0]);
    this.conditions = new Condition[this.rules.length][];
    this.idsFrom = new int[this.rules.length];
    this.idsTo = new int[this.rules.length];
    for (int i = 0; i < this.rules.length; i++) {
      Condition[] c = cheapestFirst(this.rules[i].match());
      conditions[i] = c;
      int from = 0;
      while (from < c.length && !c[from].key().isId()) {
        from++;
      }
      int to = from;
      while (to < c.length && c[to].key().isId()) {
        to++;
      }
      // The IDs cost 1 and 2 and no other key does (MatchKey#cost): a rule's ID conditions come together.
      idsFrom[i] = from;
      idsTo[i] = to;
    }
  }

  /** Every rule that matches {@code d}, in order; see {@link RuleSet#matching}. */
  List<Rule> matching(Facts d) {
    List<Rule> found = null;
    byte[] known = null;
    boolean keyed = false;
    for (int i = 0; i < rules.length; i++) {
      Condition[] c = conditions[i];
      if (!allHold(c, 0, idsFrom[i], d)) {
        continue;
      }
      if (idsTo[i] > idsFrom[i]) {
        if (!keyed) {
          keyed = true;
          known = known(d.idsKey());
        }
        boolean hold;
        if (known == null) {
          hold = allHold(c, idsFrom[i], idsTo[i], d);
        } else {
          if (known[i] == UNKNOWN) {
            known[i] = allHold(c, idsFrom[i], idsTo[i], d) ? HOLD : FAIL;
          }
          hold = known[i] == HOLD;
        }
        if (!hold) {
          continue;
        }
      }
      if (allHold(c, idsTo[i], c.length, d)) {
        if (found == null) {
          found = new ArrayList<>(2);
        }
        found.add(rules[i]);
      }
    }
    return found == null ? List.of() : found;
  }

  /** What is known of the rules' ID conditions for devices of these IDs; null without a key. */
  private byte[] known(String idsKey) {
    if (idsKey == null) {
      return null;
    }
    byte[] known = byIds.get(idsKey);
    if (known == null) {
      known = new byte[rules.length];
      byIds.put(idsKey, known);
    }
    return known;
  }

  private static boolean allHold(Condition[] conditions, int from, int to, Facts d) {
    for (int k = from; k < to; k++) {
      if (!conditions[k].test(d)) {
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
