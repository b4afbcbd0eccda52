package io.vfioctl.rules;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.GroupMember;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.device.Bindings;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.host.Host;
import io.vfioctl.inuse.DeviceUse;
import io.vfioctl.resolve.TargetResolver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code rules check}: for every device a rule selects or the rules own, what it gets and
 * whether that is in effect, with what stands in the way; and the rules that match nothing.
 */
public final class RuleCheck {
  private final Host host;
  private final String bus;
  private final TargetResolver targets;

  public RuleCheck(Host host, String bus, TargetResolver targets) {
    this.host = host;
    this.bus = bus;
    this.targets = targets;
  }

  /**
   * One device's row.
   *
   * @param target the driver it gets: resolved from the rule's word (for a device that moves with
   *     another's group, from that device's rule), empty for its host driver
   * @param inEffect whether it has that now
   * @param refused whether apply would refuse it (in use, without Force=yes)
   * @param why what its rule matched that the device does not show: its default host driver, for
   *     a {@code Driver=} that matched no driver it has
   */
  public record Row(Decision decision, Decision.Action action, String target, boolean inEffect, boolean refused,
      List<String> problems, Optional<String> why) {}

  public record Report(List<Row> rows, List<Rule> unmatched) {}

  public Report check(RuleSet rules) throws IOException {
    List<Decision> decisions = Decisions.of(host, bus, rules, targets.vfio(), true);
    // The devices a rule binds, with that rule: the group members taken along get what it gives.
    Map<String, Rule> selected = new HashMap<>();
    Set<String> used = new HashSet<>();
    Map<String, FactsReader.Device> read = new HashMap<>();
    for (Decision d : decisions) {
      if (d.action() == Decision.Action.BIND) {
        selected.put(d.address(), d.rule().orElseThrow());
      }
      d.rule().ifPresent(r -> used.add(r.file()));
      d.shadowed().forEach(r -> used.add(r.file()));
      if (d.device() instanceof FactsReader.Device facts) {
        read.put(d.address(), facts);
      }
    }
    DeviceUse use = new DeviceUse(host);
    IommuGroups groups = FactsReader.groups(host, read);
    List<Row> rows = new ArrayList<>();
    for (Decision d : decisions) {
      rows.add(row(d, selected, use, groups));
    }
    List<Rule> unmatched = rules.rules().stream().filter(r -> !used.contains(r.file())).toList();
    return new Report(rows, unmatched);
  }

  /** @param selected the rule of each device a rule binds, by address */
  private Row row(Decision d, Map<String, Rule> selected, DeviceUse use, IommuGroups groups) {
    // Read where the facts reader found the device, and its driver as read there: not again.
    FactsReader.Device facts = d.device() instanceof FactsReader.Device f ? f : null;
    DevicePaths paths = facts != null ? facts.paths() : DevicePaths.of(new DeviceName(bus, d.address()), Optional.empty());
    List<String> problems = new ArrayList<>();
    d.blocked().ifPresent(problems::add);
    d.shadowed().forEach(r -> problems.add("also matches " + r.where() + ", shadowed by an earlier file"));
    Decision.Action action = d.action();
    String target = "";
    boolean refused = false;
    String current = "";
    // A device to bind moves to what its rule gives it; a member taken along with its group's
    // device, to what that device's rule gives it. Only those have their driver compared.
    Rule taking = action == Decision.Action.NOTHING && d.blocked().isEmpty()
        ? d.takenWith().map(selected::get).orElse(null) : null;
    Rule rule = action == Decision.Action.BIND ? d.rule().orElseThrow() : taking;
    if (rule != null) {
      Optional<String> driver = facts != null ? facts.bound() : host.sysfs().linkName(paths.driverLink());
      current = driver.orElse("");
      target = resolve(paths, facts, rule, problems);
      refused = target.isEmpty();
      if (!target.equals(current) && (facts != null ? facts.hostDriverBound() : Bindings.hostDriver(host, paths, driver))) {
        List<String> uses = use.uses(paths);
        if (!uses.isEmpty()) {
          refused |= !rule.force();
          problems.add("in use: " + uses.get(0) + (rule.force() ? " (Force=yes takes it)"
              : taking != null ? "; its group's move is refused" : "; selected but refused"));
        }
      }
    }
    if (action == Decision.Action.BIND) {
      Optional<IommuGroups.Group> group = facts != null ? groups.withId(facts.groupLink()) : groups.of(paths);
      if (group.isEmpty()) {
        problems.add("no IOMMU group");
      } else if (!rule.group()) {
        List<GroupMember> blockers = group.get().blockers(selected.keySet());
        if (!blockers.isEmpty()) {
          problems.add("group not viable: IOMMU group " + group.get().id() + " also holds "
              + IommuGroups.Group.describe(blockers) + " (Group=yes takes the group)");
        }
      }
    }
    boolean inEffect = switch (action) {
      case BIND -> !target.isEmpty() && target.equals(current);
      case RETURN -> false;
      case NOTHING -> taking == null || !target.isEmpty() && target.equals(current);
    };
    return new Row(d, action, target, inEffect, refused, List.copyOf(problems), why(d));
  }

  /** The driver {@code rule}'s word resolves to for the device; empty, and the reason in {@code problems}, when none. */
  private String resolve(DevicePaths paths, FactsReader.Device facts, Rule rule, List<String> problems) {
    try {
      return (facts != null ? facts.target(targets, rule.driver()) : targets.resolve(paths, rule.driver())).driver();
    } catch (VfioctlException e) {
      problems.add(e.getMessage());
      return "";
    }
  }

  private static Optional<String> why(Decision d) {
    for (Condition c : d.rule().map(Rule::match).orElse(List.of())) {
      if (c.key() == MatchKey.DRIVER && !c.negated() && !c.byDriver(d.device())) {
        return d.device().defaultDriver().map(dflt -> "Driver= matched its default host driver " + dflt);
      }
    }
    return Optional.empty();
  }
}
