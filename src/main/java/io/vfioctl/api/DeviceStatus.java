package io.vfioctl.api;

import java.util.List;
import java.util.Optional;

/**
 * Everything {@code vfioctl status} tells of a PCI device: its driver and whether that is a VFIO
 * driver, what detach recorded, the saved override, its IOMMU group and whether VFIO can use
 * it, what uses the device, and its SR-IOV relations.
 *
 * @param address the PCI address, {@code 0000:3b:00.2}
 * @param vendor the vendor ID, {@code 0x8086}
 * @param device the device ID
 * @param classCode the class code, {@code 0x020000}
 * @param driver the driver bound now
 * @param vfioBound whether a VFIO driver holds it (it has a {@code vfio-dev} directory)
 * @param override its {@code driver_override}
 * @param saved the override saved under {@code /etc/driverctl.d}, applied at boot
 * @param detachedFrom what {@code detach} recorded: the driver and override to return to
 * @param iommuGroup its IOMMU group
 * @param groupMembers the devices of its IOMMU group, itself included
 * @param blockers the group's members that keep it from VFIO now (empty: viable)
 * @param uses what on the host uses the device, most serious first (empty: nothing found)
 * @param physfn a VF's PF
 * @param virtfns a PF's VFs
 * @param driversAutoprobe a PF's {@code sriov_drivers_autoprobe}; empty for other devices
 * @param problems what stands in the way of handing it to VFIO, each with its kind: its group, then
 *     what holds or uses it (empty: nothing)
 */
public record DeviceStatus(
    String address,
    Optional<String> vendor,
    Optional<String> device,
    Optional<String> classCode,
    Optional<String> driver,
    boolean vfioBound,
    Optional<String> override,
    Optional<String> saved,
    Optional<Binding> detachedFrom,
    Optional<String> iommuGroup,
    List<GroupMember> groupMembers,
    List<GroupMember> blockers,
    List<String> uses,
    Optional<String> physfn,
    List<String> virtfns,
    Optional<Boolean> driversAutoprobe,
    List<Problem> problems) {

  public DeviceStatus {
    groupMembers = List.copyOf(groupMembers);
    blockers = List.copyOf(blockers);
    uses = List.copyOf(uses);
    virtfns = List.copyOf(virtfns);
    problems = List.copyOf(problems);
  }

  /** A device's {@code driver_override} and bound driver, each possibly unset. */
  public record Binding(Optional<String> override, Optional<String> driver) {}

  /**
   * A device of an IOMMU group as VFIO judges it: a member keeps the group from VFIO when a host
   * driver that does DMA drives it.
   *
   * @param bridge whether it is a PCI bridge, which does not count
   */
  public record GroupMember(String device, Optional<String> driver, boolean vfioBound, boolean bridge) {}

  static DeviceStatus from(io.vfioctl.status.DeviceStatus s) {
    return new DeviceStatus(s.address(), s.vendor(), s.device(), s.classCode(), s.driver(), s.vfioBound(),
        s.override(), s.saved(), s.detachedFrom().map(d -> new Binding(d.override(), d.driver())), s.iommuGroup(),
        members(s.groupMembers()), members(s.blockers()), s.uses(), s.physfn(), s.virtfns(), s.driversAutoprobe(),
        s.problems().stream().map(Problem::from).toList());
  }

  private static List<GroupMember> members(List<io.vfioctl.core.GroupMember> members) {
    return members.stream().map(m -> new GroupMember(m.device(), m.driver(), m.vfioBound(), m.bridge())).toList();
  }
}
