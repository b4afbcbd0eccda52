package io.vfioctl.inuse;

import io.vfioctl.core.Text;
import io.vfioctl.core.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The disks a device provides that are in use: a disk, one of its partitions, or a device-mapper
 * or md device holding them ({@code holders/}, followed up to {@value #MAX_DEPTH} levels) that
 * is mounted (by {@code major:minor} or by {@code /dev} name, see {@link Mounts}) or is swap; or
 * that device-mapper or md holds at all (an LVM volume group or a RAID array needs the disk even
 * when nothing on it is mounted). Holding the root file system is said first. Two users keep no
 * {@code holders/} link and name one disk at most in the mount table: a btrfs file system over
 * several disks (its members are in {@code /sys/fs/btrfs/<fsid>/devices}) and a ZFS pool (udev
 * marks its members {@code ID_FS_TYPE=zfs_member} in {@code /run/udev/data}).
 */
final class BlockUse {
  static final String CLASS_BLOCK = "/sys/class/block";
  static final String CLASS_NVME = "/sys/class/nvme";
  static final String CLASS_NVME_SUBSYSTEM = "/sys/class/nvme-subsystem";
  private static final int MAX_DEPTH = 8;

  /** What a disk is used for, most serious first. */
  private enum Kind { ROOT, MOUNTED, SWAP, MEMBER, HELD }

  static final String BTRFS = "/sys/fs/btrfs";
  private static final io.vfioctl.sysfs.SizeLimit UDEV_RECORD = io.vfioctl.sysfs.SizeLimit.kib(256, "a udev record");

  /** A use of {@code disk}: through the partitions and holders in {@code via}, {@code what} (a mount point). */
  private record Finding(Kind kind, String disk, String what, List<String> via) {}

  private final UseSources sources;

  BlockUse(UseSources sources) {
    this.sources = sources;
  }

  /** {@code its disk vda holds the root file system (vda1)}, most serious first. */
  List<String> uses(String address) {
    return uses(address, false);
  }

  /** The uses of {@link #uses} that hold the root file system. */
  List<String> rootUses(String address) {
    return uses(address, true);
  }

  private List<String> uses(String address, boolean rootOnly) {
    List<UseSources.ClassEntry> nodes = new ArrayList<>(sources.provided(CLASS_BLOCK, address));
    Map<String, String> subsystemOf = new HashMap<>();
    for (String subsystem : nvmeSubsystems(address)) {
      for (UseSources.ClassEntry node : sources.provided(CLASS_BLOCK, subsystem)) {
        nodes.add(node);
        subsystemOf.put(node.name(), subsystem);
      }
    }
    if (nodes.isEmpty()) {
      return List.of();
    }
    Mounts mounts = sources.mounts();
    List<Finding> findings = new ArrayList<>();
    for (UseSources.ClassEntry node : nodes) {
      boolean partition = sources.exists(CLASS_BLOCK + "/" + node.name() + "/partition");
      String disk = partition ? node.parent().filter(UseSources::isPathComponent).orElse(node.name()) : node.name();
      String subsystem = subsystemOf.get(node.name());
      if (subsystem != null) {
        disk = disk + " of NVMe subsystem " + subsystem;
      }
      walk(node.name(), disk, partition ? List.of(node.name()) : List.of(), new HashSet<>(), mounts, findings);
    }
    List<String> uses = new ArrayList<>(findings.stream().filter(f -> !rootOnly || f.kind() == Kind.ROOT)
        .sorted((a, b) -> a.kind().compareTo(b.kind())).map(BlockUse::phrase).distinct().toList());
    if (!mounts.unreadable().isEmpty() && !rootOnly) {
      uses.add("its disk " + Names.printable(nodes.get(0).name()) + " may be in use: "
          + String.join("; ", mounts.unreadable()));
    }
    return uses;
  }

  /**
   * The NVMe subsystems whose controllers include one of this PCI function's. With native NVMe
   * multipath ({@code nvme_core.multipath=Y}, the default) a namespace's block device lives under
   * {@code /sys/devices/virtual/nvme-subsystem/<subsys>/}, not under the function; the subsystem
   * holds a link named after each of its controllers.
   */
  private List<String> nvmeSubsystems(String address) {
    List<UseSources.ClassEntry> controllers = sources.provided(CLASS_NVME, address);
    if (controllers.isEmpty()) {
      return List.of();
    }
    List<String> found = new ArrayList<>();
    for (String subsystem : sources.names(CLASS_NVME_SUBSYSTEM)) {
      if (!UseSources.isPathComponent(subsystem)) {
        continue;
      }
      for (UseSources.ClassEntry controller : controllers) {
        if (UseSources.isPathComponent(controller.name())
            && sources.exists(CLASS_NVME_SUBSYSTEM + "/" + subsystem + "/" + controller.name())) {
          found.add(subsystem);
          break;
        }
      }
    }
    return found;
  }

  /** Adds the uses of block device {@code node}, reached from {@code disk} through {@code via}. */
  private void walk(String node, String disk, List<String> via, Set<String> seen, Mounts mounts,
      List<Finding> findings) {
    seen.add(node);
    String dir = CLASS_BLOCK + "/" + node;
    Optional<String> mapperName = sources.attribute(dir + "/dm/name").map(String::strip).filter(n -> !n.isEmpty());
    List<String> devNames = new ArrayList<>(List.of("/dev/" + node));
    mapperName.ifPresent(n -> devNames.add("/dev/mapper/" + n));
    Optional<String> dev = sources.attribute(dir + "/dev").map(String::strip);
    for (Mounts.Mount m : mounts.of(dev, devNames)) {
      findings.add(new Finding(m.isRoot() ? Kind.ROOT : Kind.MOUNTED, disk, m.mountPoint(), via));
    }
    if (mounts.isSwap(devNames)) {
      findings.add(new Finding(Kind.SWAP, disk, "", via));
    }
    membership(node, dev).ifPresent(what -> findings.add(new Finding(Kind.MEMBER, disk, what, via)));
    if (via.size() >= MAX_DEPTH) {
      return;
    }
    for (String holder : sources.names(dir + "/holders")) {
      if (seen.contains(holder)) {
        continue;
      }
      List<String> holderVia = new ArrayList<>(via);
      holderVia.add("held by " + Names.printable(holder) + label(holder));
      int before = findings.size();
      walk(holder, disk, holderVia, seen, mounts, findings);
      if (findings.size() == before) {
        findings.add(new Finding(Kind.HELD, disk, "", holderVia));
      }
    }
  }

  /** The btrfs file system or ZFS pool the block device belongs to, in words. */
  private Optional<String> membership(String node, Optional<String> dev) {
    for (String fsid : sources.names(BTRFS)) {
      if (sources.exists(BTRFS + "/" + fsid + "/devices/" + node)) {
        String label = sources.attribute(BTRFS + "/" + fsid + "/label").map(String::strip).filter(l -> !l.isEmpty())
            .orElse(fsid);
        return Optional.of("a member of the btrfs file system " + Names.printable(label));
      }
    }
    if (dev.isPresent() && isDeviceNumber(dev.get())) {
      boolean zfs = sources.proc("/run/udev/data/b" + dev.get(), UDEV_RECORD).lines().stream()
          .anyMatch(l -> l.equals("E:ID_FS_TYPE=zfs_member"));
      if (zfs) {
        return Optional.of("a ZFS pool member (udev says so; ZFS keeps no holders)");
      }
    }
    return Optional.empty();
  }

  /** {@code  (vg-root)} for a device-mapper device, {@code  (raid1)} for an md array. */
  private String label(String holder) {
    String dir = CLASS_BLOCK + "/" + holder;
    return sources.attribute(dir + "/dm/name").or(() -> sources.attribute(dir + "/md/level")).map(String::strip)
        .filter(s -> !s.isEmpty()).map(s -> " (" + Names.printable(s) + ")").orElse("");
  }

  private static String phrase(Finding f) {
    String disk = "its disk " + Names.printable(f.disk()) + " ";
    return switch (f.kind()) {
      case ROOT -> disk + "holds the root file system" + within(f.via());
      case MOUNTED -> disk + "is mounted on " + Names.printable(f.what()) + within(f.via());
      case SWAP -> disk + "is used as swap" + within(f.via());
      case MEMBER -> disk + "is " + f.what() + within(f.via());
      case HELD -> disk + "is " + f.via().get(f.via().size() - 1) + within(f.via().subList(0, f.via().size() - 1));
    };
  }

  private static String within(List<String> via) {
    return via.isEmpty() ? "" : " (" + String.join(", ", via) + ")";
  }

  /** {@code major:minor}, {@code [0-9]{1,10}:[0-9]{1,10}}. */
  private static boolean isDeviceNumber(String dev) {
    int colon = dev.indexOf(':');
    return colon > 0 && Text.isDigits(dev.substring(0, colon), 10) && Text.isDigits(dev.substring(colon + 1), 10);
  }
}
