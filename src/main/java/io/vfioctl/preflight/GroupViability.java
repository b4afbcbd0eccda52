package io.vfioctl.preflight;

import io.vfioctl.core.GroupMember;
import io.vfioctl.device.IommuGroups;
import java.util.List;

/**
 * How an IOMMU group that is or will be no use to VFIO is told: the one place for its wording,
 * as {@code status} shows it, as {@code domain check} reports it and as a change warns of it.
 */
public final class GroupViability {
  private GroupViability() {}

  /** {@code status}: {@code viable for VFIO}, or which members are bound to a host driver now. */
  public static String now(List<GroupMember> blockers) {
    return blockers.isEmpty() ? "viable for VFIO" : "not viable for VFIO: " + IommuGroups.Group.describe(blockers)
        + (blockers.size() == 1 ? " is" : " are") + " bound to a host driver";
  }

  /** {@code domain check}: the group will not be viable with the domain's devices. */
  static Problem forGuest(IommuGroups.Group group, String address, List<GroupMember> blockers) {
    return Problem.of(Problem.Kind.GROUP_NOT_VIABLE, address, "IOMMU group " + group.id() + " of " + address
        + " is not viable: " + IommuGroups.Group.describe(blockers) + " stays with a host driver (give the guest the"
        + " whole group, or detach it too)");
  }

  /** A change binding VFIO: a warning, as binding goes ahead all the same. */
  static Problem forChange(IommuGroups.Group group, String device, List<GroupMember> blockers) {
    return new Problem(Problem.Kind.GROUP_NOT_VIABLE, device, "IOMMU group " + group.id() + " of " + device
        + " will not be viable for VFIO while " + IommuGroups.Group.describe(blockers)
        + (blockers.size() == 1 ? " stays" : " stay") + " bound to a host driver: detach "
        + (blockers.size() == 1 ? "it" : "them") + " too, or use --group", false);
  }
}
