package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.sysfs.Errno;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** A device that no host driver could ever claim can be handed back: it stays unbound. */
class NoHostDriverTest extends MachineTest {
  @Test
  void unsetLeavesADeviceWithoutHostDriverUnboundAndForgetsIt() {
    assertEquals(0, m.run("set-override", EDU, "vfio").code());
    assertEquals("edu-vfio-variant", m.driver(EDU));
    Result r = m.run("unset-override", EDU);
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfioctl: warning: no host driver can claim " + EDU
        + " (no pci: alias of the kernel's modules matches it); it stays unbound\n", r.err());
    assertNull(m.driver(EDU));
    assertNull(m.override(EDU));
    assertNull(m.persisted(EDU));
  }

  @Test
  void aHostDriverThatRefusesTheDeviceIsStillAnErrorRolledBack() {
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    m.kernel.failProbe("e1000", NIC, Errno.EIO);
    Result r = m.run("unset-override", NIC);
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("no driver took it"), r::toString);
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals("vfio-pci\n", m.persisted(NIC));
  }

  @Test
  void whenModulesAliasCannotBeReadTheAnswerIsTheCautiousOne() throws Exception {
    assertEquals(0, m.run("set-override", EDU, "vfio").code());
    Files.delete(m.root.resolve("lib/modules/" + TestMachine.RELEASE + "/modules.alias"));
    Result r = m.run("unset-override", EDU);
    assertEquals(1, r.code(), r::toString);
    assertEquals("edu-vfio-variant", m.driver(EDU));
  }

  @Test
  void aBuiltInHostDriverCounts() {
    m.write("lib/modules/" + TestMachine.RELEASE + "/modules.builtin.alias", "alias pci:v00001234d000011E8sv*sd*bc*sc*i* edu\n");
    assertEquals(0, m.run("set-override", EDU, "vfio").code());
    Result r = m.run("unset-override", EDU);
    assertEquals(1, r.code(), r::toString);
    assertEquals("edu-vfio-variant", m.driver(EDU));
  }
}
