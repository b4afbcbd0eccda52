package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.sim.KernelSimulator.SimDriverSpec;
import io.vfioctl.sim.PciId;
import io.vfioctl.sysfs.Errno;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine;
import io.vfioctl.testing.TestMachine.Result;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SR-IOV: --vfs moves every VF of a PF as one transaction, and sriov_drivers_autoprobe is respected. */
class SriovTest extends MachineTest {
  static final String PF = "0000:02:00.0";
  static final List<String> VFS = List.of("0000:02:10.0", "0000:02:10.2", "0000:02:10.4");

  @BeforeEach
  void pfWithThreeVfs() {
    m.kernel.defineModule("igb", SimDriverSpec.host("igb", PciId.of(0x8086, 0x10c9)));
    m.kernel.defineModule("igbvf", SimDriverSpec.host("igbvf", PciId.of(0x8086, 0x10ca)));
    m.load("igb");
    m.load("igbvf");
    m.kernel.addDevice(PF, 0x8086, 0x10c9, 0x8086, 0x10c9, 0x020000, 6, -1);
    m.kernel.addVfs(PF, 0x8086, 0x10ca, 7, VFS.toArray(String[]::new));
    m.modulesAlias(TestMachine.MODULES_ALIAS
        + "alias pci:v00008086d000010C9sv*sd*bc*sc*i* igb\nalias pci:v00008086d000010CAsv*sd*bc*sc*i* igbvf\n");
  }

  @Test
  void detachVfsMovesEveryVfAndLeavesThePf() {
    Result r = m.runWith("vfioctl", main -> main.terminal(true), "detach", "--vfs", PF);
    assertEquals(0, r.code(), r::toString);
    for (String vf : VFS) {
      assertEquals("vfio-pci", m.driver(vf), vf);
      assertEquals("driver=igbvf\noverride=\n", m.detachedFrom(vf), vf);
    }
    assertEquals("igb", m.driver(PF));
    assertEquals("\rvfioctl: 1/3 devices\rvfioctl: 2/3 devices\rvfioctl: 3/3 devices\n", r.err());
    assertEquals(0, m.run("reattach", "--vfs", PF).code());
    VFS.forEach(vf -> assertEquals("igbvf", m.driver(vf), vf));
  }

  @Test
  void progressIsNotDrawnWhenStderrIsNoTerminal() {
    Result r = m.run("detach", "--vfs", PF);
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.err());
  }

  @Test
  void aVfThatFailsPutsEveryVfBack() {
    m.load("vfio_pci");
    m.kernel.failProbe("vfio-pci", VFS.get(2), Errno.EIO);
    Result r = m.run("set-override", "--vfs", PF, "vfio-pci");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("restored 2 devices moved before it"), r::toString);
    for (String vf : VFS) {
      assertEquals("igbvf", m.driver(vf), vf);
      assertNull(m.persisted(vf), vf);
    }
  }

  @Test
  void vfsOfADeviceWithoutVfsIsRefused() {
    Result r = m.run("detach", "--vfs", VFS.get(0));
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: " + VFS.get(0) + " has no VFs (its sriov_numvfs is 0 or absent), so --vfs has nothing to act"
        + " on\n", r.err());
  }

  @Test
  void withAutoprobeOffAVfIsBoundOnlyThroughAnOverrideAndReturnedUnbound() {
    m.kernel.setDriversAutoprobe(PF, false);
    m.kernel.addDevice("0000:02:00.1", 0x8086, 0x10c9, 0x8086, 0x10c9, 0x020000, 10, -1);
    m.kernel.addVfs("0000:02:00.1", 0x8086, 0x10ca, 11, "0000:02:11.0");
    m.kernel.setDriversAutoprobe("0000:02:00.1", false);
    m.kernel.addVfs("0000:02:00.1", 0x8086, 0x10ca, 12, "0000:02:11.2");
    String vf = "0000:02:11.2";
    assertNull(m.driver(vf), "autoprobe 0 keeps host drivers away");
    assertEquals(0, m.run("set-override", vf, "vfio-pci").code());
    assertEquals("vfio-pci", m.driver(vf));
    Result r = m.run("unset-override", vf);
    assertEquals(0, r.code(), r::toString);
    assertNull(m.driver(vf), "the PF asks for its VFs to stay unbound");
    assertNull(m.persisted(vf));
  }

  @Test
  void aPfIsNotTakenWhileItsVfsAreInUse() {
    m.kernel.addLink("/sys/class/net/eth1", "../../devices/pci0000:02/" + VFS.get(1) + "/net/eth1")
        .addFile("/sys/class/net/eth1/flags", "0x1003");
    Result host = m.run("detach", PF);
    assertEquals(1, host.code(), host::toString);
    assertTrue(host.err().startsWith("vfioctl: " + PF + " is in use: its VF " + VFS.get(1) + ": its interface eth1 is up"),
        host::toString);
    m.kernel.addFile("/sys/class/net/eth1/flags", "0x1002");
    assertEquals(0, m.run("detach", VFS.get(0)).code());
    Result vfio = m.run("detach", PF);
    assertEquals(1, vfio.code(), vfio::toString);
    assertTrue(vfio.err().startsWith("vfioctl: " + PF + " is in use: its VF " + VFS.get(0) + " is bound to vfio-pci"),
        vfio::toString);
    assertEquals("igb", m.driver(PF));
  }

  @Test
  void jsonListingsNameThePfAndItsVfs() {
    String out = m.run("list-devices", "--json").out();
    assertTrue(out.contains("\"address\": \"" + PF + "\""), out);
    assertTrue(out.contains("\"virtfns\": [\n        \"0000:02:10.0\",\n        \"0000:02:10.2\",\n        \"0000:02:10.4\"\n"
        + "      ]"), out);
    assertTrue(out.contains("\"physfn\": \"" + PF + "\""), out);
  }

  @Test
  void statusShowsTheRelations() {
    String pf = m.run("status", PF).out();
    assertTrue(pf.contains("  sr-iov       PF of 3 VFs (0000:02:10.0, 0000:02:10.2, 0000:02:10.4), drivers_autoprobe 1\n"),
        pf);
    String vf = m.run("status", VFS.get(1)).out();
    assertTrue(vf.contains("  sr-iov       VF of " + PF + "\n"), vf);
  }
}
