package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import org.junit.jupiter.api.Test;

/** Called through the package's {@code /usr/sbin/driverctl} link, vfioctl speaks as driverctl. */
class DriverctlNameTest extends MachineTest {
  @Test
  void messagesAndUsageNameDriverctl() {
    Result r = m.runAs("driverctl", "set-override", "0000:09:00.0", "vfio-pci");
    assertEquals(1, r.code());
    assertEquals("driverctl: no such device: 0000:09:00.0\n", r.err());
    r = m.runAs("driverctl", "--help");
    assertTrue(r.out().startsWith("Usage: driverctl [OPTIONS...] {COMMAND}...\n"), r::toString);
    r = m.runAs("driverctl", "-v", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().lines().allMatch(l -> l.startsWith("driverctl: ")), r::toString);
    assertTrue(r.err().contains("driverctl: unbinding previous driver e1000"), r::toString);
  }

  @Test
  void anyOtherNameIsVfioctl() {
    Result r = m.runAs("something-else", "unset-override", "0000:09:00.0");
    assertEquals("vfioctl: no such device: 0000:09:00.0\n", r.err());
  }
}
