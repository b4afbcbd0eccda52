package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.FN1;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.sim.KernelSimulator.SimDriverSpec;
import io.vfioctl.sim.PciId;
import io.vfioctl.testing.TestMachine.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code rules apply DEV}: what the hot-plug unit runs for a device that appeared, on that device alone. */
class RulesHotPlugTest extends RulesMachineTest {
  private static final String PF = "0000:02:00.0";
  private static final String VF0 = "0000:02:10.0";
  private static final String VF1 = "0000:02:10.2";

  @Test
  void aNewVfIsBoundAloneAndADeviceInUseElsewhereCannotFailIt() throws Exception {
    m.kernel.defineModule("igbvf", SimDriverSpec.host("igbvf", PciId.of(0x8086, 0x10ca)));
    m.load("igbvf");
    m.kernel.addDevice(PF, 0x8086, 0x10c9, 0x8086, 0x10c9, 0x020000, 6, -1);
    eth0Up();
    rule("50-vfs.conf", "PhysicalFunction=" + PF, "Driver=vfio-pci");
    rule("60-nic.conf", "Address=" + NIC, "Driver=vfio-pci");
    assertEquals(1, m.run("rules", "apply").code(), "the whole bus fails: the NIC is in use");
    m.kernel.addVfs(PF, 0x8086, 0x10ca, 7, VF0, VF1);
    int writes = m.kernel.writeLog().size();
    Result r = ok("rules", "apply", "pci/" + VF0); // as the hot-plug unit names it (%I)
    assertEquals("rules apply: 1 bound, 0 returned, 0 already in effect, 0 failed\n", r.out());
    assertEquals("", r.err());
    assertEquals("vfio-pci", m.driver(VF0));
    assertEquals("igbvf", m.driver(VF1), "the other new VF waits for its own unit");
    assertEquals("e1000", m.driver(NIC));
    assertTrue(m.kernel.writeLog().subList(writes, m.kernel.writeLog().size()).stream().allMatch(w -> w.contains(VF0)),
        m.kernel.writeLog()::toString);
    assertEquals(VF0 + " 50-vfs.conf igbvf\n", owned());
    writes = m.kernel.writeLog().size();
    assertEquals("rules apply: 0 bound, 0 returned, 1 already in effect, 0 failed\n", ok("rules", "apply", VF0).out());
    assertEquals(writes, m.kernel.writeLog().size());
    ok("rules", "apply", VF1);
    assertEquals(VF0 + " 50-vfs.conf igbvf\n" + VF1 + " 50-vfs.conf igbvf\n", owned(), "the record keeps the others");
  }

  @Test
  void aDeviceNoRuleBindsExitsZeroSilentlyAndChangesNothing() {
    rule("10-keep-nic.conf", "Address=" + NIC, "Driver=none");
    rule("50-intel.conf", "Vendor=8086", "Driver=vfio-pci");
    ok("set-override", EDU, "vfio-pci");
    for (String device : List.of(VIRTIO, NIC, EDU)) { // no rule; a none rule; a saved override decides it
      int writes = m.kernel.writeLog().size();
      Result r = ok("rules", "apply", device);
      assertEquals("", r.out() + r.err(), device);
      assertEquals(writes, m.kernel.writeLog().size(), device);
    }
    assertEquals("e1000", m.driver(NIC));
    assertEquals("virtio-pci", m.driver(VIRTIO));
  }

  @Test
  void withGroupYesTheDeviceTakesItsGroupAndNothingElse() throws Exception {
    eth0Up();
    rule("50-intel.conf", "Vendor=8086", "Driver=vfio-pci\nGroup=yes");
    Result r = ok("rules", "apply", FN1);
    assertEquals("rules apply: 1 bound, 0 returned, 1 already in effect, 0 failed\n", r.out(), r::toString);
    assertEquals("vfio-pci", m.driver(FN0));
    assertEquals("vfio-pci", m.driver(FN1));
    assertEquals("e1000", m.driver(NIC), "in use, and not in FN1's group: neither touched nor reported");
    assertEquals(FN0 + " 50-intel.conf e1000\n" + FN1 + " 50-intel.conf e1000\n", owned());
  }

  @Test
  void aMemberWithoutARuleBringsTheGroupItsGroupRuleTakes() throws Exception {
    rule("50-fn0.conf", "Address=" + FN0, "Driver=vfio-pci\nGroup=yes");
    Result r = ok("rules", "apply", FN1);
    assertEquals("rules apply: 1 bound, 0 returned, 0 already in effect, 0 failed\n", r.out(), r::toString);
    assertEquals("vfio-pci", m.driver(FN0));
    assertEquals("vfio-pci", m.driver(FN1));
    assertEquals(FN0 + " 50-fn0.conf e1000\n" + FN1 + " 50-fn0.conf e1000\n", owned());
  }

  @Test
  void aDeviceThatIsNotThereOrASecondDeviceIsRefused() {
    Result r = m.run("rules", "apply", "0000:09:00.0");
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: no such device: 0000:09:00.0\n", r.err());
    r = m.run("rules", "apply", NIC, FN0);
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: rules takes list, check or apply [<device>]\n", r.err());
    r = m.run("--bus", "usb", "rules", "apply", "pci/" + NIC);
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: pci/" + NIC + ": the binding rules are for the usb bus; name the bus with --bus\n", r.err());
    r = m.run("rules", "check", NIC);
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: rules takes list, check or apply [<device>]\n", r.err());
  }
}
