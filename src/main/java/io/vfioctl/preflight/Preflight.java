package io.vfioctl.preflight;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.core.GroupMember;
import io.vfioctl.core.Log;
import io.vfioctl.core.Settings;
import io.vfioctl.device.Bindings;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.host.Host;
import io.vfioctl.inuse.DeviceUse;
import io.vfioctl.inuse.VfioUsers;
import io.vfioctl.preflight.Problem.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The checks before devices are taken from their drivers or handed to VFIO, as typed
 * {@link Problem}s. A change stops at the first that refuses ({@link #moves}, then
 * {@link #groups}); {@code status} and {@code domain check} collect them all ({@link #collect}).
 */
public final class Preflight {
  private final Host host;
  private final DeviceUse use;
  private final Settings.Safety safety;

  /**
   * @param use what the host uses: one look serves a whole call (load-override --all's many
   *     devices), as moving one device takes only that device's interfaces and disks away
   * @param safety the checks the user waived: their problems are warnings
   */
  public Preflight(Host host, DeviceUse use, Settings.Safety safety) {
    this.host = host;
    this.use = use;
    this.safety = safety;
  }

  /**
   * A device a change moves, as the checks see it.
   *
   * @param before what it is bound to now
   * @param unbinds whether the change takes it from its driver
   * @param toVfio whether the change hands it to a VFIO driver
   * @param group its IOMMU group, read when it goes to VFIO
   */
  public record Subject(DevicePaths paths, DeviceState before, boolean unbinds, boolean toVfio,
      Optional<IommuGroups.Group> group) {}

  /**
   * What each device's move runs into, device by device: a process holding it, a use of the host,
   * no IOMMU group. Stops at the first problem that refuses: the change will not be made, and
   * nothing more needs to be read.
   */
  public List<Problem> moves(List<Subject> changing) {
    List<Problem> found = new ArrayList<>();
    VfioUsers users = new VfioUsers(host);
    for (Subject s : changing) {
      if (s.unbinds()) {
        Optional<String> holder = users.holder(s.paths());
        if (holder.isPresent()) {
          found.add(Problem.of(Kind.HELD_BY_PROCESS, s.paths().device().name(), s.paths().device() + " is in use by "
              + holder.get() + "; unbinding it would wait until that process lets go: stop it (shut the guest down, or"
              + " detach the device from it) first"));
          return found;
        }
        Optional<Problem> inUse = inUse(s);
        if (inUse.isPresent()) {
          found.add(inUse.get());
          if (inUse.get().refuses()) {
            return found;
          }
        }
      }
      if (s.toVfio() && s.group().isEmpty() && !safety.noIommu()) {
        String why = new IommuGroups(host).anyGroups() ? "it is outside every IOMMU group"
            : "no IOMMU is enabled (" + IommuGroups.GROUPS + " is empty)";
        found.add(Problem.of(Kind.NO_IOMMU_GROUP, s.paths().device().name(), s.paths().device() + " has no IOMMU group: "
            + why + ", so VFIO cannot isolate it; enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel"
            + " command line), or pass --noiommu for vfio's unsafe no-IOMMU mode"));
        return found;
      }
    }
    return found;
  }

  /**
   * A host driver's device that the host uses (an interface up, a mounted disk, the console):
   * unbinding it would take that away. {@code --force} takes it all the same, with a warning.
   */
  private Optional<Problem> inUse(Subject s) {
    if (!Bindings.hostDriver(host, s.paths(), s.before())) {
      return Optional.empty();
    }
    List<String> uses = use.uses(s.paths());
    if (uses.isEmpty()) {
      return Optional.empty();
    }
    String device = s.paths().device().name();
    if (safety.force()) {
      return Optional.of(new Problem(Kind.IN_USE, device, "taking " + device + " from " + s.before().driver().get()
          + " although " + uses.get(0) + " (--force)", false));
    }
    return Optional.of(Problem.of(Kind.IN_USE, device, device + " is in use: " + uses.get(0) + (uses.size() > 1
        ? " (and " + (uses.size() - 1) + " more: vfioctl status " + device + ")" : "") + "; stop using it first, or"
        + " pass --force"));
  }

  /**
   * Before binding VFIO: the groups the change hands over, each judged once, and the devices it
   * binds without one ({@code --noiommu}). None refuses (the moves did): each is warned of through
   * {@code log} as it is found, between the notes on the groups that will be viable.
   *
   * @return the problems warned of
   */
  public List<Problem> groups(List<Subject> changing, Log log) {
    Set<String> moving = new HashSet<>();
    changing.stream().filter(Subject::toVfio).forEach(s -> moving.add(s.paths().device().name()));
    Set<String> reported = new HashSet<>();
    List<Problem> found = new ArrayList<>();
    for (Subject s : changing) {
      if (!s.toVfio()) {
        continue;
      }
      String device = s.paths().device().name();
      Optional<IommuGroups.Group> group = s.group();
      if (group.isEmpty()) {
        warn(new Problem(Kind.NO_IOMMU_GROUP, device, "binding " + device + " without an IOMMU (--noiommu): a guest"
            + " given it can reach all of the host's memory", false), found, log);
        continue;
      }
      if (!reported.add(group.get().id())) {
        continue;
      }
      List<GroupMember> blockers = group.get().blockers(moving);
      if (!blockers.isEmpty()) {
        warn(GroupViability.forChange(group.get(), device, blockers), found, log);
        continue;
      }
      List<GroupMember> others = group.get().members().stream()
          .filter(m -> !moving.contains(m.device())).toList();
      if (!others.isEmpty()) {
        log.debug("IOMMU group " + group.get().id() + " also holds " + IommuGroups.Group.describe(others)
            + "; it will be viable");
      }
    }
    return found;
  }

  private static void warn(Problem p, List<Problem> found, Log log) {
    found.add(p);
    log.warn(p.text());
  }

  /**
   * Every problem of handing a device to VFIO along with {@code together} (the other devices
   * going to VFIO; none for {@code status}), from what was read of it: its group, then what holds
   * or uses it. The device itself keeps its group from no one: it is the one handed over.
   *
   * @param holder the process holding it, when a VFIO driver has it
   * @param uses what on the host uses it
   */
  public static List<Problem> collect(String address, Optional<IommuGroups.Group> group, Collection<String> together,
      Optional<String> holder, List<String> uses) {
    List<Problem> found = new ArrayList<>();
    if (group.isEmpty()) {
      found.add(Problem.of(Kind.NO_IOMMU_GROUP, address, address + " has no IOMMU group: VFIO cannot isolate it"
          + " (enable the IOMMU)"));
    } else {
      Set<String> moving = new HashSet<>(together);
      moving.add(address);
      List<GroupMember> blockers = group.get().blockers(moving);
      if (!blockers.isEmpty()) {
        found.add(GroupViability.forGuest(group.get(), address, blockers));
      }
    }
    holder.ifPresent(h -> found.add(Problem.of(Kind.HELD_BY_PROCESS, address, address + " is in use: held by " + h)));
    uses.forEach(u -> found.add(Problem.of(Kind.IN_USE, address, address + " is in use: " + u)));
    return found;
  }
}
