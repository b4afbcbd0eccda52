package io.vfioctl.rules;

import io.vfioctl.core.DeviceName;
import io.vfioctl.host.Host;
import io.vfioctl.host.PreparedDomains;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why a device is out of the rules' reach: a saved override decides it (driverctl's behaviour is
 * unchanged), or detach or a domain holds it (never taken from its owner). Saved overrides are
 * listed by name and a device's file looked at only when a rule asks about it: hosts keep a
 * thousand of them, and what a file holds does not matter here.
 */
final class Blockers {
  private final Host host;
  private final String bus;
  private final Map<String, String> held = new HashMap<>();
  private final Set<String> savedNames;
  /** Filled by both scan threads (see {@link Scan}). */
  private final Map<String, Optional<String>> known = new ConcurrentHashMap<>();

  Blockers(Host host, String bus) throws IOException {
    this.host = host;
    this.bus = bus;
    for (PreparedDomains.Prepared p : host.domains().all()) {
      p.devices().forEach(d -> held.put(d, "held by domain " + p.name()));
    }
    for (DeviceName d : host.detached().list()) {
      if (d.bus().equals(bus)) {
        held.put(d.name(), "held by detach (" + host.detached().displayPath(d) + ")");
      }
    }
    this.savedNames = host.persisted().names(bus);
  }

  /** Why no rule may touch {@code address}; empty when rules may. */
  Optional<String> why(String address) throws IOException {
    Optional<String> why = known.get(address);
    if (why == null) {
      DeviceName device = new DeviceName(bus, address);
      if (savedNames.contains(address) && host.persisted().isSaved(device)) {
        why = Optional.of("a saved override decides it (" + host.persisted().displayPath(device) + ")");
      } else {
        why = Optional.ofNullable(held.get(address));
      }
      known.put(address, why);
    }
    return why;
  }

  boolean blocks(String address) throws IOException {
    return why(address).isPresent();
  }
}
