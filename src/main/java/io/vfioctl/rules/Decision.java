package io.vfioctl.rules;

import java.util.List;
import java.util.Optional;

/**
 * What the rules make of one device.
 *
 * @param device its facts, read as far as the rules asked for them (and on when asked for more)
 * @param rule the rule that decides it: the first that matches
 * @param shadowed the later rules that match it too, and do not count
 * @param owner the rule file that took it earlier, from the ownership record
 * @param hostDriver its driver before a rule took it (or now), empty for none
 * @param blocked why no rule may touch it: a saved override, detach, a domain
 * @param takenWith the device whose {@code Group=yes} rule takes this one along with its IOMMU
 *     group, when no rule selects this one itself
 */
public record Decision(Facts device, Optional<Rule> rule, List<Rule> shadowed, Optional<String> owner,
    String hostDriver, Optional<String> blocked, Optional<String> takenWith) {

  /** What {@code rules apply} does with the device. */
  public enum Action { BIND, RETURN, NOTHING }

  public Action action() {
    if (blocked.isPresent()) {
      return Action.NOTHING;
    }
    if (rule.isPresent() && !rule.get().keepsHostDriver()) {
      return Action.BIND;
    }
    if (takenWith.isPresent()) {
      // It moves with its group's device, and stays the rules' while that one is selected.
      return Action.NOTHING;
    }
    return owner.isPresent() ? Action.RETURN : Action.NOTHING;
  }

  public String address() {
    return device.address();
  }
}
