package io.vfioctl.rules;

import io.vfioctl.core.Glob;
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
  /**
   * Per rule, the vendors its first condition names when that is a plain {@code Vendor=} list
   * without globs, else null: most rules name a vendor, and a device of another one is passed
   * over with a string comparison instead of a glob match.
   */
  private final String[][] vendors;

  RuleMatcher(List<Rule> rules) {
    this.rules = rules.toArray(new Rule[0]);
    this.conditions = new Condition[this.rules.length][];
    this.vendors = new String[this.rules.length][];
    for (int i = 0; i < this.rules.length; i++) {
      conditions[i] = cheapestFirst(this.rules[i].match());
      vendors[i] = plainVendors(conditions[i]);
    }
  }

  /** Every rule that matches {@code d}, in order; see {@link RuleSet#matching}. */
  List<Rule> matching(Facts d) {
    List<Rule> found = null;
    String vendor = null;
    for (int i = 0; i < rules.length; i++) {
      if (vendors[i] != null) {
        vendor = vendor == null ? d.vendor() : vendor;
        if (!contains(vendors[i], vendor)) {
          continue;
        }
      }
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

  private static String[] plainVendors(Condition[] conditions) {
    if (conditions.length == 0 || conditions[0].key() != MatchKey.VENDOR || conditions[0].negated()) {
      return null;
    }
    for (String v : conditions[0].values()) {
      if (Glob.hasWildcard(v) || v.indexOf('\\') >= 0) {
        return null;
      }
    }
    return conditions[0].values().toArray(new String[0]);
  }

  private static boolean contains(String[] values, String value) {
    for (String v : values) {
      if (v.equals(value)) {
        return true;
      }
    }
    return false;
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
