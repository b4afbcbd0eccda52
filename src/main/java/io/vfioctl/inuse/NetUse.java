package io.vfioctl.inuse;

import io.vfioctl.core.Text;
import io.vfioctl.core.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The network interfaces a device provides that are in use: up ({@code IFF_UP} in
 * {@code flags}; {@code operstate} when there are no flags), with addresses, or carrying routes
 * (see {@link IpConfig} for what {@code /proc} shows and what it does not), themselves or through
 * an interface stacked on them: the {@code master} they are enslaved to (bond, bridge, team) or
 * an {@code upper_*} one (VLAN, macvlan), followed up to {@value #MAX_DEPTH} levels.
 */
final class NetUse {
  static final String CLASS_NET = "/sys/class/net";
  private static final int MAX_DEPTH = 8;
  private static final int IFF_UP = 0x1;
  private static final int SHOWN = 3;

  private final UseSources sources;
  private IpConfig ip;

  NetUse(UseSources sources) {
    this.sources = sources;
  }

  /** {@code its interface eth0 is up with fd00::2/64 (route 192.0.2.0/24)}, one per interface in use. */
  List<String> uses(String address) {
    List<String> uses = new ArrayList<>();
    for (UseSources.ClassEntry e : sources.provided(CLASS_NET, address)) {
      use(e.name(), new HashSet<>(), 0).ifPresent(u -> uses.add("its interface " + Names.printable(e.name()) + " " + u));
    }
    return uses;
  }

  /** How {@code iface} is used, as a predicate ({@code is up}), or empty when it is not. */
  private Optional<String> use(String iface, Set<String> seen, int depth) {
    seen.add(iface);
    Optional<String> stacked = stackedUse(iface, seen, depth);
    Optional<String> own = ownUse(iface, stacked.isPresent());
    if (own.isPresent() && stacked.isPresent()) {
      return Optional.of(own.get() + ", and " + stacked.get());
    }
    return own.or(() -> stacked);
  }

  /** The first interface stacked on {@code iface} that is in use: {@code is enslaved to bond0, which is up}. */
  private Optional<String> stackedUse(String iface, Set<String> seen, int depth) {
    if (depth >= MAX_DEPTH) {
      return Optional.empty();
    }
    String dir = CLASS_NET + "/" + iface;
    Optional<String> master = sources.linkedName(dir + "/master");
    List<String> uppers = new ArrayList<>();
    master.ifPresent(uppers::add);
    for (String name : sources.names(dir)) {
      if (name.startsWith("upper_")) {
        sources.linkedName(dir + "/" + name).filter(u -> !uppers.contains(u)).ifPresent(uppers::add);
      }
    }
    for (String upper : uppers) {
      if (seen.contains(upper)) {
        continue;
      }
      Optional<String> use = use(upper, seen, depth + 1);
      if (use.isPresent()) {
        String relation = master.filter(upper::equals).isPresent() ? "is enslaved to " : "carries ";
        return Optional.of(relation + Names.printable(upper) + ", which " + use.get());
      }
    }
    return Optional.empty();
  }

  /**
   * {@code is up with fd00::2/64 (routes default via 192.0.2.1, 192.0.2.0/24)}. A lower interface
   * whose upper one is in use is up because of it; that alone is not worth saying.
   */
  private Optional<String> ownUse(String iface, boolean upperInUse) {
    if (ip == null) {
      ip = sources.ipConfig();
    }
    List<String> addresses = ip.addresses(iface);
    List<String> routes = ip.routes(iface);
    boolean configured = !addresses.isEmpty() || !routes.isEmpty();
    boolean up = isUp(iface);
    if (!configured && (upperInUse || !up)) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder(up ? "is up" : "is down");
    if (!addresses.isEmpty()) {
      b.append(" with ").append(shown(addresses));
    }
    if (!routes.isEmpty()) {
      String noun = routes.size() == 1 ? "route " : "routes ";
      b.append(addresses.isEmpty() ? " with " + noun + shown(routes) : " (" + noun + shown(routes) + ")");
    }
    return Optional.of(b.toString());
  }

  private boolean isUp(String iface) {
    String dir = CLASS_NET + "/" + iface;
    Optional<String> flags = sources.attribute(dir + "/flags").map(String::strip);
    if (flags.isPresent() && flags.get().startsWith("0x") && Text.isHex(flags.get().substring(2), 8)) {
      return (Long.parseLong(flags.get().substring(2), 16) & IFF_UP) != 0;
    }
    return sources.attribute(dir + "/operstate").map(String::strip).filter("up"::equals).isPresent();
  }

  private static String shown(List<String> values) {
    String first = String.join(", ", values.subList(0, Math.min(SHOWN, values.size())));
    return values.size() > SHOWN ? first + " and " + (values.size() - SHOWN) + " more" : first;
  }
}
