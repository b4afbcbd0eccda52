package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A VFIO-bound device that a process holds open is not unbound: that would block until it lets go. */
class VfioUsersTest extends MachineTest {
  @Test
  void aDeviceHeldThroughItsGroupIsRefusedWithThePid() throws Exception {
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    String group = m.kernel.linkName("/sys/bus/pci/devices/" + NIC + "/iommu_group").orElseThrow();
    Path fd = Files.createDirectories(root.resolve("proc/4321/fd"));
    Files.writeString(root.resolve("proc/4321/comm"), "qemu-system-x86\n");
    Files.createSymbolicLink(fd.resolve("17"), Path.of("/dev/vfio/" + group));
    Files.createSymbolicLink(fd.resolve("1"), Path.of("/dev/null"));
    int writes = m.kernel.writeLog().size();
    Result r = m.run("unset-override", NIC);
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: " + NIC + " is in use by pid 4321 (qemu-system-x86) through /dev/vfio/" + group
        + "; unbinding it would wait until that process lets go: stop it (shut the guest down, or detach the device"
        + " from it) first\n", r.err());
    assertEquals(writes, m.kernel.writeLog().size());
    Files.delete(fd.resolve("17"));
    assertEquals(0, m.run("unset-override", NIC).code());
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void aHostBoundDeviceIsNotAskedAbout() throws Exception {
    Path fd = Files.createDirectories(root.resolve("proc/4321/fd"));
    Files.createSymbolicLink(fd.resolve("3"), Path.of("/dev/vfio/2"));
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    assertTrue(m.kernel.exists("/sys/bus/pci/devices/" + NIC + "/vfio-dev"));
  }
}
