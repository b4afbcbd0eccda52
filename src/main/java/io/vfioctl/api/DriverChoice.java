package io.vfioctl.api;

/**
 * One {@code <vfioctl:hostdev address='…' driver='…'/>} entry of a domain's metadata: the driver
 * the user chose for that device.
 *
 * @param line where the entry is in the document
 */
public record DriverChoice(String address, String driver, int line) {
  static DriverChoice from(io.vfioctl.libvirt.DriverChoice c) {
    return new DriverChoice(c.address().toString(), c.driver(), c.line());
  }
}
