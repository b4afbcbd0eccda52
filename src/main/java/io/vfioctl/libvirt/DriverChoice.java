package io.vfioctl.libvirt;

import io.vfioctl.core.PciAddress;

/**
 * One {@code <vfioctl:hostdev address='…' driver='…'/>} entry of the domain's metadata: the
 * driver the user chose for that device.
 *
 * @param line where the entry is in the document
 */
public record DriverChoice(PciAddress address, String driver, int line) {}
