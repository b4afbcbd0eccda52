package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vfioctl.testing.Golden;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import org.junit.jupiter.api.Test;

class ListCommandsTest extends MachineTest {
  @Test
  void listDevicesShowsDriverAndMarksOverrides() {
    m.run("--nosave", "set-override", EDU, "vfio-pci");
    Result r = m.run("list-devices");
    assertEquals(0, r.code(), r::toString);
    assertEquals("""
        0000:00:02.0 e1000
        0000:00:03.0 vfio-pci [*]
        0000:00:04.0 virtio-pci
        0000:01:00.0 e1000
        0000:01:00.1 e1000
        """, r.out());
  }

  @Test
  void typeFilterUsesTheBaseClass() {
    assertEquals("0000:00:02.0 e1000\n0000:00:04.0 virtio-pci\n0000:01:00.0 e1000\n0000:01:00.1 e1000\n",
        m.run("list-devices", "network").out());
    Result none = m.run("list-devices", "display");
    assertEquals(0, none.code());
    assertEquals("", none.out());
  }

  @Test
  void unknownTypeNamesTheChoicesInDriverctlsOrder() {
    Result r = m.run("list-devices", "gpu");
    assertEquals(1, r.code());
    assertEquals("vfioctl: device type must be one of: all system memory network bridge processor serial "
        + "storage communication docking display multimedia input\n", r.err());
  }

  @Test
  void listOverridesShowsOnlyOverriddenDevicesWithoutTheMark() {
    m.run("set-override", NIC, "vfio-pci");
    m.run("set-override", EDU, "none");
    Result r = m.run("list-overrides");
    assertEquals(0, r.code());
    assertEquals("0000:00:02.0 vfio-pci\n0000:00:03.0 (none)\n", r.out());
  }

  @Test
  void listOverridesWithoutAnyFailsAsDriverctlDoes() {
    Result r = m.run("list-overrides");
    assertEquals(1, r.code());
    assertEquals("", r.out());
    assertEquals("vfioctl: No overridable devices found. Kernel too old?\n", r.err());
  }

  @Test
  void listPersistedPrintsOneLinePerFileOfTheBus() {
    m.write("etc/driverctl.d/pci-0000:00:03.0", "vfio\n");
    m.write("etc/driverctl.d/pci-0000:00:02.0", "vfio-pci\n");
    m.write("etc/driverctl.d/usb-1-1", "usbfoo\n");
    Result r = m.run("list-persisted");
    assertEquals(0, r.code());
    assertEquals("0000:00:02.0 vfio-pci\n0000:00:03.0 vfio\n", r.out());
    assertEquals("1-1 usbfoo\n", m.run("-b", "usb", "list-persisted").out());
  }

  @Test
  void listPersistedWithNothingSavedPrintsNothing() {
    Result r = m.run("list-persisted");
    assertEquals(0, r.code());
    assertEquals("", r.out() + r.err());
  }

  @Test
  void jsonListHasEveryField() {
    m.run("set-override", NIC, "vfio-pci");
    Result r = m.run("list-devices", "--json");
    assertEquals(0, r.code(), r::toString);
    Golden.assertMatches("list-devices/nic-overridden.json", r.out());
  }

  @Test
  void jsonListOfNoOverridesIsAnEmptyArray() {
    Result r = m.run("list-overrides", "--json");
    assertEquals(0, r.code());
    assertEquals("{\n  \"devices\": []\n}\n", r.out());
  }

  @Test
  void jsonPersisted() {
    m.write("etc/driverctl.d/pci-0000:00:02.0", "vfio-pci\n");
    assertEquals("{\n  \"persisted\": [\n    {\n      \"device\": \"0000:00:02.0\",\n      \"driver\": \"vfio-pci\"\n"
        + "    }\n  ]\n}\n", m.run("--json", "list-persisted").out());
  }
}
