package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A VFIO-bound device that a process holds open is not unbound: that would block until it lets go. */
class VfioUsersTest extends MachineTest {
  @Test
  void aDeviceHeldThroughItsGroupIsRefusedWithThePid() throws Exception {
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    String group = m.holdVfioGroup(NIC, 4321, 17);
    Path fd = root.resolve("proc/4321/fd");
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

  @Test
  void aFifoForAProcessNameNeitherHangsNorHidesTheHolder() throws Exception {
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    String group = m.kernel.linkName("/sys/bus/pci/devices/" + NIC + "/iommu_group").orElseThrow();
    Path fd = Files.createDirectories(root.resolve("proc/4321/fd"));
    io.vfioctl.testing.HostileFiles.fifo(root.resolve("proc/4321/comm"));
    Files.createSymbolicLink(fd.resolve("17"), Path.of("/dev/vfio/" + group));
    // Opening the FIFO would block for ever: the guard only ends a hung test.
    Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> m.run("status", NIC));
    assertTrue(r.out().contains("held by pid 4321 (?) through /dev/vfio/" + group), r::toString);
    Result refused = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> m.run("unset-override", NIC));
    assertEquals(1, refused.code(), refused::toString);
  }

  @Test
  void aProcLinkLeavingTheRootIsNotFollowed() throws Exception {
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    String group = m.kernel.linkName("/sys/bus/pci/devices/" + NIC + "/iommu_group").orElseThrow();
    Path outside = Files.createDirectories(root.getParent().resolve("outside-" + root.getFileName())).resolve("proc");
    Files.move(root.resolve("proc"), outside);
    Path fd = Files.createDirectories(outside.resolve("4321/fd"));
    Files.writeString(outside.resolve("4321/comm"), "qemu-system-x86\n");
    Files.createSymbolicLink(fd.resolve("17"), Path.of("/dev/vfio/" + group));
    Files.createSymbolicLink(root.resolve("proc"), outside);
    Result r = m.run("status", NIC);
    assertEquals(0, r.code(), r::toString);
    assertFalse(r.out().contains("held by"), "proc outside the root was read: " + r);
  }
}
