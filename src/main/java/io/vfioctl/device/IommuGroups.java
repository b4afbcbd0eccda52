package io.vfioctl.device;

import io.vfioctl.core.Text;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.GroupMember;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The IOMMU groups of {@code /sys/kernel/iommu_groups}, and whether VFIO can use one. */
public final class IommuGroups {
  public static final String GROUPS = "/sys/kernel/iommu_groups";

  private final Host host;
  private final Function<String, GroupMember> known;
  private final Function<String, List<String>> listed;
  /** Each group read so far, by its id; null when groups may change between looks. */
  private final Map<String, Group> seen;

  public IommuGroups(Host host) {
    this.host = host;
    this.known = address -> null;
    this.listed = id -> null;
    this.seen = null;
  }

  /**
   * The groups as they are now, for a caller that changes nothing while it looks: each group is
   * read once (a GPU and its audio function share one).
   *
   * @param known a member as the caller has read it already, by its address (null when not):
   *     {@code rules check} has read what most members are
   * @param listed a group's {@link #memberNames} as the caller read them, by its id (null when not)
   */
  public IommuGroups(Host host, Function<String, GroupMember> known, Function<String, List<String>> listed) {
    this.host = host;
    this.known = known;
    this.listed = listed;
    this.seen = new HashMap<>();
  }

  /** A group and its members, in address order. */
  public record Group(String id, List<GroupMember> members) {
    /** The members VFIO hands over: every one but the bridges. */
    public List<GroupMember> endpoints() {
      return members.stream().filter(m -> !m.bridge()).toList();
    }

    /** The members that keep the group from VFIO once {@code moving} are bound to VFIO drivers. */
    public List<GroupMember> blockers(Collection<String> moving) {
      return members.stream().filter(m -> !moving.contains(m.device()) && m.blocksVfio()).toList();
    }

    /** {@code 0000:01:00.1 (e1000)}, {@code 0000:00:1c.0 (pcieport, bridge)}, for a message. */
    public static String describe(List<GroupMember> members) {
      List<String> parts = new ArrayList<>();
      for (GroupMember m : members) {
        parts.add(m.device() + " (" + m.driver().map(io.vfioctl.core.Names::printable).orElse("no driver")
            + (m.bridge() ? ", bridge" : "") + ")");
      }
      return String.join(", ", parts);
    }
  }

  /** The group of a device; empty without an IOMMU (or outside its reach). */
  public Optional<Group> of(DevicePaths device) {
    return withId(host.sysfs().linkName(device.file("iommu_group")));
  }

  /** The group a device's {@code iommu_group} link names, read by the caller; empty for none. */
  public Optional<Group> withId(Optional<String> link) {
    // Group ids are numbers and members PCI addresses: anything else (a hostile root) is no group.
    return link.filter(id -> Text.isDigits(id, 10)).map(this::group);
  }

  /** Whether the kernel has any IOMMU group at all: none means no IOMMU is enabled. */
  public boolean anyGroups() {
    return !host.sysfs().list(GROUPS).isEmpty();
  }

  private Group group(String id) {
    Group group = seen == null ? null : seen.get(id);
    if (group == null) {
      group = read(id);
      if (seen != null) {
        seen.put(id, group);
      }
    }
    return group;
  }

  /** The names in group {@code id}'s {@code devices} directory (a hostile root may put anything there). */
  public static List<String> memberNames(Sysfs sysfs, String id) {
    return sysfs.list(GROUPS + "/" + id + "/devices");
  }

  private Group read(String id) {
    Sysfs sysfs = host.sysfs();
    List<GroupMember> members = new ArrayList<>();
    List<String> names = listed.apply(id);
    for (String name : names != null ? names : memberNames(sysfs, id)) {
      if (!io.vfioctl.core.PciAddress.isValid(name)) {
        continue;
      }
      GroupMember member = known.apply(name);
      if (member != null) {
        members.add(member);
        continue;
      }
      String dir = DevicePaths.devicesDir("pci") + "/" + name;
      members.add(new GroupMember(name, sysfs.linkName(dir + "/driver"), sysfs.exists(dir + "/vfio-dev"),
          GroupMember.isBridgeClass(sysfs.read(dir + "/class").orElse(""))));
    }
    return new Group(id, List.copyOf(members));
  }
}
