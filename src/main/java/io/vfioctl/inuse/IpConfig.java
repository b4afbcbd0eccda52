package io.vfioctl.inuse;

import io.vfioctl.core.Text;
import io.vfioctl.sysfs.SizeLimit;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses and routes {@code /proc} shows per interface: IPv4 routes
 * ({@code /proc/net/route}, main table only), IPv6 routes ({@code /proc/net/ipv6_route}) and
 * IPv6 addresses ({@code /proc/net/if_inet6}). {@code /proc} has no per-interface list of IPv4
 * addresses; an IPv4 address shows only through the routes it brings. What the kernel sets up on
 * every interface that is up (IPv6 link-local addresses and routes, multicast and local routes)
 * is left out: it says nothing that "up" does not. Lines that do not parse are skipped; an
 * unreadable file counts as empty (the interface's own up flag is the sure sign).
 */
final class IpConfig {
  static final String ROUTE = "/proc/net/route";
  static final String IPV6_ROUTE = "/proc/net/ipv6_route";
  static final String IF_INET6 = "/proc/net/if_inet6";
  private static final SizeLimit ROUTES = SizeLimit.mib(4, "a routing table");
  private static final SizeLimit ADDRESSES = SizeLimit.mib(1, "an address list");
  private static final int RTF_UP = 0x1;
  private static final int RTF_GATEWAY = 0x2;
  private static final int RTF_LOCAL = 0x80000000;
  private static final int RTF_CACHE = 0x01000000;
  private static final int SCOPE_HOST = 0x10;
  private static final int SCOPE_LINK = 0x20;

  private final Map<String, List<String>> addresses = new LinkedHashMap<>();
  private final Map<String, List<String>> routes = new LinkedHashMap<>();

  static IpConfig read(UseSources sources) {
    IpConfig config = new IpConfig();
    sources.proc(IF_INET6, ADDRESSES).lines().forEach(config::addIpv6Address);
    sources.proc(ROUTE, ROUTES).lines().forEach(config::addIpv4Route);
    sources.proc(IPV6_ROUTE, ROUTES).lines().forEach(config::addIpv6Route);
    return config;
  }

  List<String> addresses(String iface) {
    return addresses.getOrDefault(iface, List.of());
  }

  List<String> routes(String iface) {
    return routes.getOrDefault(iface, List.of());
  }

  /** {@code fd000000000000000000000000000002 04 40 00 80 eth0}: address, index, prefix, scope, flags, name. */
  private void addIpv6Address(String line) {
    String[] f = Text.fields(line.trim(), Text.WHITE_SPACE);
    if (f.length != 6 || !isHex(f[0], 32) || !isHex(f[2], 2) || !isHex(f[3], 2)) {
      return;
    }
    int scope = Integer.parseInt(f[3], 16);
    if (scope == SCOPE_HOST || scope == SCOPE_LINK) {
      return;
    }
    add(addresses, f[5], ipv6(f[0]) + "/" + Integer.parseInt(f[2], 16));
  }

  /** {@code eth0 000200C0 00000000 0001 0 0 0 00FFFFFF 0 0 0}: name, destination, gateway, flags, ..., mask. */
  private void addIpv4Route(String line) {
    String[] f = Text.fields(line.trim(), Text.WHITE_SPACE);
    if (f.length < 8 || !isHex(f[1], 8) || !isHex(f[2], 8) || !isHex(f[3], 4) || !isHex(f[7], 8)) {
      return; // the header, or not a route
    }
    int flags = Integer.parseInt(f[3], 16);
    if ((flags & RTF_UP) == 0) {
      return;
    }
    int destination = (int) Long.parseLong(f[1], 16);
    int mask = (int) Long.parseLong(f[7], 16);
    String via = (flags & RTF_GATEWAY) != 0 ? " via " + ipv4((int) Long.parseLong(f[2], 16)) : "";
    String to = destination == 0 && mask == 0 ? "default" : ipv4(destination) + "/" + Integer.bitCount(mask);
    add(routes, f[0], to + via);
  }

  /** Destination, its length, source, its length, next hop, metric, use, references, flags, name. */
  private void addIpv6Route(String line) {
    String[] f = Text.fields(line.trim(), Text.WHITE_SPACE);
    if (f.length != 10 || !isHex(f[0], 32) || !isHex(f[1], 2) || !isHex(f[4], 32) || !isHex(f[8], 8)) {
      return;
    }
    int flags = (int) Long.parseLong(f[8], 16);
    boolean automatic = f[0].startsWith("fe80") || f[0].startsWith("ff") || (flags & (RTF_LOCAL | RTF_CACHE)) != 0;
    if ((flags & RTF_UP) == 0 || automatic) {
      return;
    }
    int length = Integer.parseInt(f[1], 16);
    String via = (flags & RTF_GATEWAY) != 0 ? " via " + ipv6(f[4]) : "";
    add(routes, f[9], (length == 0 ? "default" : ipv6(f[0]) + "/" + length) + via);
  }

  private static void add(Map<String, List<String>> map, String iface, String value) {
    map.computeIfAbsent(iface, k -> new ArrayList<>()).add(value);
  }

  private static boolean isHex(String s, int length) {
    return s.length() == length && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  /** An address as /proc/net/route writes it: the four bytes in network order, read as a native int. */
  private static String ipv4(int value) {
    int v = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(value) : value;
    return (v >>> 24) + "." + (v >>> 16 & 0xff) + "." + (v >>> 8 & 0xff) + "." + (v & 0xff);
  }

  /** 32 hex digits in the short form of RFC 5952: {@code fd00::2}. */
  static String ipv6(String hex) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = Integer.parseInt(hex.substring(4 * i, 4 * i + 4), 16);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLength - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(groups[i]));
    }
    return b.toString();
  }
}
