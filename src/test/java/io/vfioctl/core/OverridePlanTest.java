package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OverridePlanTest {
  static final DevicePaths DEV = DevicePaths.of(new DeviceName("pci", "0000:00:02.0"), Optional.empty());
  static final String DIR = "/sys/bus/pci/devices/0000:00:02.0";

  static OverridePlan.Request request(String driver, boolean probe, boolean save) {
    return new OverridePlan.Request(DEV, driver, Optional.empty(), probe,
        save ? Optional.of("/etc/driverctl.d/pci-0000:00:02.0") : Optional.empty(), driver);
  }

  static List<String> describe(OverridePlan p) {
    return p.steps().stream().map(Action::describe).toList();
  }

  @Test
  void boundDeviceIsOverriddenThenUnboundThenProbedThenSaved() {
    OverridePlan p = OverridePlan.of(new DeviceState(Optional.empty(), Optional.of("e1000")), request("vfio-pci", true, true));
    assertEquals(List.of("write " + DIR + "/driver_override vfio-pci", "write " + DIR + "/driver/unbind 0000:00:02.0",
        "write /sys/bus/pci/drivers_probe 0000:00:02.0", "write /etc/driverctl.d/pci-0000:00:02.0 vfio-pci"), describe(p));
    assertEquals(Optional.of("vfio-pci"), p.expectedDriver());
  }

  @Test
  void unboundDeviceIsNotUnbound() {
    OverridePlan p = OverridePlan.of(new DeviceState(Optional.empty(), Optional.empty()), request("vfio-pci", true, false));
    assertEquals(List.of("write " + DIR + "/driver_override vfio-pci", "write /sys/bus/pci/drivers_probe 0000:00:02.0"),
        describe(p));
  }

  @Test
  void clearingExpectsAnyDriverAndRemovesTheSavedFile() {
    OverridePlan p = OverridePlan.of(new DeviceState(Optional.of("vfio-pci"), Optional.of("vfio-pci")), request("", true, true));
    assertEquals(List.of("write " + DIR + "/driver_override \"\"", "write " + DIR + "/driver/unbind 0000:00:02.0",
        "write /sys/bus/pci/drivers_probe 0000:00:02.0", "remove /etc/driverctl.d/pci-0000:00:02.0"), describe(p));
    assertEquals(Optional.of(""), p.expectedDriver());
  }

  @Test
  void noneAndNoprobeDoNotProbeOrExpectADriver() {
    DeviceState bound = new DeviceState(Optional.empty(), Optional.of("e1000"));
    for (OverridePlan p : List.of(OverridePlan.of(bound, request("none", true, false)), OverridePlan.of(bound, request("vfio-pci", false, false)))) {
      assertEquals(Optional.empty(), p.expectedDriver());
      assertEquals(2, p.steps().size());
    }
  }

  @Test
  void moduleIsLoadedFirst() {
    OverridePlan p = OverridePlan.of(new DeviceState(Optional.empty(), Optional.empty()),
        new OverridePlan.Request(DEV, "xe-vfio-pci", Optional.of("xe_vfio_pci"), true, Optional.empty(), "vfio"));
    assertEquals("modprobe xe_vfio_pci", describe(p).get(0));
  }

  @Test
  void restoreWritesTheOldOverrideAndBindsTheOldDriverExplicitly() {
    DeviceState before = new DeviceState(Optional.empty(), Optional.of("e1000"));
    DeviceState now = new DeviceState(Optional.of("vfio-pci"), Optional.empty());
    assertEquals(List.of("write " + DIR + "/driver_override \"\"", "write /sys/bus/pci/drivers/e1000/bind 0000:00:02.0"),
        OverridePlan.restore(DEV, before, now).stream().map(Action::describe).toList());
    assertEquals(List.of(), OverridePlan.restore(DEV, before, before));
  }

  @Test
  void anOldOverrideNamingAnotherDriverIsRestoredAfterTheOldDriverIsBound() {
    DeviceState before = new DeviceState(Optional.of("vfio-pci"), Optional.of("e1000"));
    DeviceState now = new DeviceState(Optional.of("vfio-pci"), Optional.of("vfio-pci"));
    assertEquals(List.of(
        "write " + DIR + "/driver_override \"\"",
        "write " + DIR + "/driver/unbind 0000:00:02.0",
        "write /sys/bus/pci/drivers/e1000/bind 0000:00:02.0",
        "write " + DIR + "/driver_override vfio-pci"),
        OverridePlan.restore(DEV, before, now).stream().map(Action::describe).toList());
  }
}
