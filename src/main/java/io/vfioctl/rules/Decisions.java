package io.vfioctl.rules;

import io.vfioctl.core.GroupMember;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.host.Host;
import io.vfioctl.host.RuleOwnership;
import io.vfioctl.resolve.VfioResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The decision of the rules for every device of a bus: the first matching rule, unless a saved
 * override decides the device (driverctl's behaviour is unchanged) or detach or a domain holds it
 * (never taken from its owner).
 */
public final class Decisions {
  private Decisions() {}

  /**
   * A device that a rule selects or that the rules own, or that a {@code Group=yes} rule takes
   * along with its IOMMU group, in address order.
   */
  public static List<Decision> of(Host host, String bus, RuleSet rules, VfioResolver vfio) throws IOException {
    return of(host, bus, rules, vfio, false);
  }

  /**
   * As {@link #of(Host, String, RuleSet, VfioResolver)}; with {@code readGroups}, what {@code rules
   * check} shows of a device a rule binds (its IOMMU group, whether VFIO holds it) is read in the
   * scan, which a large host does in two threads.
   */
  public static List<Decision> of(Host host, String bus, RuleSet rules, VfioResolver vfio, boolean readGroups)
      throws IOException {
    Map<String, RuleOwnership.Owned> owned = host.ruleOwnership().read();
    Blockers blocked = new Blockers(host, bus);
    Map<String, String> hostDrivers = new HashMap<>();
    owned.forEach((device, o) -> hostDrivers.put(device, o.hostDriver()));
    Map<String, FactsReader.Device> facts = new HashMap<>();
    Map<String, List<Rule>> matches = new TreeMap<>();
    List<FactsReader.Device> all = new FactsReader(host, bus, vfio).readAll(rules.keysUsed(), hostDrivers);
    List<List<Rule>> matched;
    try {
      matched = Scan.matching(rules, all, d -> owned.containsKey(d.address()), (d, matching) -> {
        try {
          blocked.why(d.address());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (readGroups && !matching.isEmpty() && !matching.get(0).keepsHostDriver()) {
          d.groupMembers();
          d.member();
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (int i = 0; i < all.size(); i++) {
      FactsReader.Device d = all.get(i);
      facts.put(d.address(), d);
      if (matched.get(i) != null) {
        matches.put(d.address(), matched.get(i));
      }
    }
    Map<String, String> takenWith = groupsTaken(host, facts, matches, blocked);
    takenWith.keySet().forEach(a -> matches.putIfAbsent(a, List.of()));
    List<Decision> decisions = new ArrayList<>();
    for (Map.Entry<String, List<Rule>> e : matches.entrySet()) {
      String address = e.getKey();
      List<Rule> matching = e.getValue();
      // The reader itself, not all its facts: only the address and the drivers are asked for now.
      Facts d = facts.get(address);
      RuleOwnership.Owned owner = owned.get(address);
      String hostDriver = owner != null ? owner.hostDriver() : d.drivers().isEmpty() ? "" : d.drivers().get(0);
      decisions.add(new Decision(d, matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(0)),
          matching.isEmpty() ? List.of() : matching.subList(1, matching.size()),
          Optional.ofNullable(owner).map(RuleOwnership.Owned::rule), hostDriver,
          blocked.why(address), Optional.ofNullable(takenWith.get(address))));
    }
    return decisions;
  }

  /**
   * The other members of the IOMMU groups that {@code Group=yes} rules take, each with the first
   * device (in address order) whose rule takes it; a member some rule binds itself is not one.
   */
  private static Map<String, String> groupsTaken(Host host, Map<String, FactsReader.Device> facts,
      Map<String, List<Rule>> matches, Blockers blocked) throws IOException {
    Map<String, String> taken = new TreeMap<>();
    IommuGroups groups = FactsReader.groups(host, facts);
    for (Map.Entry<String, List<Rule>> e : matches.entrySet()) {
      if (!binds(e.getValue(), blocked.blocks(e.getKey())) || !e.getValue().get(0).group()) {
        continue;
      }
      Optional<IommuGroups.Group> group = groups.withId(facts.get(e.getKey()).groupLink());
      for (GroupMember m : group.map(IommuGroups.Group::endpoints).orElse(List.of())) {
        List<Rule> own = matches.getOrDefault(m.device(), List.of());
        FactsReader.Device member = facts.get(m.device());
        if (!m.device().equals(e.getKey()) && member != null && member.overridable()
            && !binds(own, blocked.blocks(m.device()))) {
          taken.putIfAbsent(m.device(), e.getKey());
        }
      }
    }
    return taken;
  }

  private static boolean binds(List<Rule> matching, boolean blocked) {
    return !blocked && !matching.isEmpty() && !matching.get(0).keepsHostDriver();
  }
}
