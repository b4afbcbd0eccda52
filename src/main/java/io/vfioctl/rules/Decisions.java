package io.vfioctl.rules;

import io.vfioctl.core.DeviceName;
import io.vfioctl.host.Host;
import io.vfioctl.host.PersistedOverrides;
import io.vfioctl.host.PreparedDomains;
import io.vfioctl.host.RuleOwnership;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decision of the rules for every device of a bus: the first matching rule, unless a saved
 * override decides the device (driverctl's behaviour is unchanged) or detach or a domain holds it
 * (never taken from its owner).
 */
public final class Decisions {
  private Decisions() {}

  /** A device that a rule selects or that the rules own, in address order. */
  public static List<Decision> of(Host host, String bus, RuleSet rules) throws IOException {
    Map<String, RuleOwnership.Owned> owned = host.ruleOwnership().read();
    Map<String, String> blocked = blockers(host, bus);
    Map<String, String> hostDrivers = new HashMap<>();
    owned.forEach((device, o) -> hostDrivers.put(device, o.hostDriver()));
    List<Decision> decisions = new ArrayList<>();
    for (DeviceFacts d : new FactsReader(host, bus).read(rules.keysUsed(), hostDrivers)) {
      List<Rule> matching = rules.matching(d);
      RuleOwnership.Owned owner = owned.get(d.address());
      if (matching.isEmpty() && owner == null) {
        continue;
      }
      String hostDriver = owner != null ? owner.hostDriver() : d.drivers().isEmpty() ? "" : d.drivers().get(0);
      decisions.add(new Decision(d, matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(0)),
          matching.isEmpty() ? List.of() : matching.subList(1, matching.size()),
          Optional.ofNullable(owner).map(RuleOwnership.Owned::rule), hostDriver,
          Optional.ofNullable(blocked.get(d.address()))));
    }
    return decisions;
  }

  /** Why each device that no rule may touch is out of reach. */
  private static Map<String, String> blockers(Host host, String bus) throws IOException {
    Map<String, String> why = new HashMap<>();
    for (PreparedDomains.Prepared p : host.domains().all()) {
      p.devices().forEach(d -> why.put(d, "held by domain " + p.name()));
    }
    for (DeviceName d : host.detached().list()) {
      if (d.bus().equals(bus)) {
        why.put(d.name(), "held by detach (" + host.detached().displayPath(d) + ")");
      }
    }
    for (PersistedOverrides.Entry e : host.persisted().list(bus)) {
      why.put(e.device(), "a saved override decides it (" + Host.CONF_DIR + "/" + bus + "-" + e.device() + ")");
    }
    return why;
  }
}
