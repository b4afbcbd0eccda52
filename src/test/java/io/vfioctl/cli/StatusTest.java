package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.FN1;
import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.Golden;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/** vfioctl status: what a device is bound to, what it came from, its group, its users. */
class StatusTest extends MachineTest {
  @Test
  void aDetachedDeviceInAGroupNotYetViable() {
    assertEquals(0, m.run("detach", FN0).code());
    Result r = m.run("status", FN0);
    assertEquals(0, r.code(), r::toString);
    Golden.assertMatches("status/fn0-detached-group-not-viable.txt", r.out());
    assertEquals(0, m.run("detach", FN1).code());
    assertTrue(m.run("status", FN0).out().contains("  iommu group  5, viable for VFIO\n"));
  }

  @Test
  void withoutArgumentsOnlyDevicesHandedOverAreShownAndAllShowsEvery() {
    assertEquals("no device is bound to VFIO, detached or overridden (status --all shows every device)\n",
        m.run("status").out());
    assertEquals(0, m.run("set-override", EDU, "vfio").code());
    String out = m.run("status").out();
    assertTrue(out.startsWith(EDU + " 1234:11e8 class 00ff00\n  driver       edu-vfio-variant (VFIO)\n"), out);
    assertEquals(1, out.lines().filter(l -> l.startsWith("0000:")).count(), out);
    assertEquals(5, m.run("status", "--all").out().lines().filter(l -> l.startsWith("0000:")).count());
  }

  @Test
  void jsonHasEveryField() {
    assertEquals(0, m.run("detach", NIC).code());
    Result r = m.run("status", "--json", NIC);
    assertEquals(0, r.code(), r::toString);
    Golden.assertMatches("status/nic-detached.json", r.out());
  }

  @Test
  void anUnknownDeviceIsOneLine() {
    Result r = m.run("status", "0000:09:00.0");
    assertEquals(1, r.code());
    assertEquals("vfioctl: no such device: 0000:09:00.0\n", r.err());
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void aHostileDetachRecordIsNamed() {
    m.write("run/vfioctl/detached/pci-" + NIC, "driver=../../x\noverride=\n");
    Result r = m.run("status", NIC);
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: cannot read /run/vfioctl/detached/pci-" + NIC + ": "), r::toString);
    Result reattach = m.run("reattach", NIC);
    assertEquals(1, reattach.code(), reattach::toString);
    assertTrue(reattach.err().contains("remove it (it only records what detach took " + NIC + " from)"),
        reattach::toString);
  }
}
