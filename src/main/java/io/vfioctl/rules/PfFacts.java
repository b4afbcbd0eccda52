package io.vfioctl.rules;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.device.Sriov;
import io.vfioctl.host.Host;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the rules ask of a VF's PF, read once per PF however many VFs ask: its VFs' numbering (or
 * its {@code virtfn} links) and its network interfaces. Both scan threads ask.
 */
final class PfFacts {
  private final Host host;
  private final String bus;
  private final Sriov sriov;
  private final Map<String, Map<String, Integer>> vfIndexes = new HashMap<>();
  private final Map<String, List<String>> interfacesOf = new HashMap<>();
  private final Map<String, String> pfDirs = new HashMap<>();
  private final Map<String, Optional<Sriov.Numbering>> numberings = new HashMap<>();

  PfFacts(Host host, String bus, Sriov sriov) {
    this.host = host;
    this.bus = bus;
    this.sriov = sriov;
  }

  /** {@code vf}'s index among its PF {@code pf}'s VFs: by the PF's numbering, else by its {@code virtfn} links. */
  synchronized OptionalInt indexAmongVfs(String pf, String vf) {
    Optional<Sriov.Numbering> numbering = numberings.get(pf);
    if (numbering == null) {
      numbering = sriov.numbering(pfDir(pf), pf);
      numberings.put(pf, numbering);
    }
    if (numbering.isPresent()) {
      return numbering.get().indexOf(vf);
    }
    Map<String, Integer> index = vfIndexes.get(pf);
    if (index == null) {
      index = indexes(sriov.virtfns(pfDir(pf)));
      vfIndexes.put(pf, index);
    }
    Integer i = index.get(vf);
    return i == null ? OptionalInt.empty() : OptionalInt.of(i);
  }

  synchronized List<String> interfacesOf(String pf) {
    List<String> interfaces = interfacesOf.get(pf);
    if (interfaces == null) {
      interfaces = host.sysfs().list(pfDir(pf) + "/net");
      interfacesOf.put(pf, interfaces);
    }
    return interfaces;
  }

  synchronized String pfDir(String pf) {
    String dir = pfDirs.get(pf);
    if (dir == null) {
      dir = DeviceDirs.realDir(host.sysfs(), DevicePaths.devicesDir(bus) + "/" + pf);
      pfDirs.put(pf, dir);
    }
    return dir;
  }

  /** Each VF's index in {@code vfs} (its first, should a hostile root list one twice). */
  static Map<String, Integer> indexes(List<String> vfs) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < vfs.size(); i++) {
      index.putIfAbsent(vfs.get(i), i);
    }
    return index;
  }
}
