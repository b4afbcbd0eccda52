package io.vfioctl.status;

import io.vfioctl.core.DeviceState;
import io.vfioctl.core.GroupMember;
import io.vfioctl.preflight.Problem;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code vfioctl status} tells of a device: its driver and whether that is a VFIO
 * driver, what detach recorded, the saved override, its IOMMU group and whether VFIO can use
 * it, what uses the device, and its SR-IOV relations.
 *
 * @param vfioBound whether a VFIO driver holds it (it has a {@code vfio-dev} directory)
 * @param detachedFrom what {@code detach} recorded: the driver and override to return to
 * @param blockers the group's members that keep it from VFIO now (empty: viable)
 * @param uses what on the host uses the device, most serious first (empty: nothing found)
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
    Optional<DeviceState> detachedFrom,
    Optional<String> iommuGroup,
    List<GroupMember> groupMembers,
    List<GroupMember> blockers,
    List<String> uses,
    Optional<String> physfn,
    List<String> virtfns,
    Optional<Boolean> driversAutoprobe,
    List<Problem> problems) {}
