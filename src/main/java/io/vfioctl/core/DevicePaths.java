package io.vfioctl.core;

import java.util.Optional;

/**
 * Where a device's sysfs files are. Normally {@code /sys/bus/<bus>/devices/<dev>}; under udev,
 * driverctl uses {@code /sys$DEVPATH} instead, and so do we.
 */
public record DevicePaths(DeviceName device, String dir) {

  public static DevicePaths of(DeviceName device, Optional<String> devpath) {
    return new DevicePaths(device, devpath.map(p -> "/sys" + p).orElse(devicesDir(device.bus()) + "/" + device.name()));
  }

  public static String devicesDir(String bus) {
    return busDir(bus) + "/devices";
  }

  public static String driversDir(String bus) {
    return busDir(bus) + "/drivers";
  }

  public static String busDir(String bus) {
    return "/sys/bus/" + bus;
  }

  public String file(String name) {
    return dir + "/" + name;
  }

  public String driverOverride() {
    return file("driver_override");
  }

  public String driverLink() {
    return file("driver");
  }

  public String unbind() {
    return file("driver/unbind");
  }

  public String driversProbe() {
    return busDir(device.bus()) + "/drivers_probe";
  }

  public String bind(String driver) {
    return driversDir(device.bus()) + "/" + driver + "/bind";
  }

  public String driverDir(String driver) {
    return driversDir(device.bus()) + "/" + driver;
  }
}
