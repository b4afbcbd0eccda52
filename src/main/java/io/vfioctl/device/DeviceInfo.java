package io.vfioctl.device;

import java.util.Optional;

/**
 * What vfioctl knows of one device, as read from sysfs and {@code /etc/driverctl.d}.
 *
 * @param vfioBound whether a VFIO driver (vfio-pci or a variant) holds the device: it has a
 *     {@code vfio-dev} directory
 * @param physfn a VF's PF
 * @param virtfns a PF's VFs
 */
public record DeviceInfo(
    String address,
    Optional<String> vendor,
    Optional<String> device,
    Optional<String> subsystemVendor,
    Optional<String> subsystemDevice,
    Optional<String> classCode,
    Optional<String> modalias,
    Optional<String> driver,
    Optional<String> override,
    Optional<String> persisted,
    Optional<String> iommuGroup,
    Optional<String> numaNode,
    boolean vfioBound,
    Optional<String> physfn,
    java.util.List<String> virtfns) {}
