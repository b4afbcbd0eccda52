package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.host.GlobalLock;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@code load-override --all}, the boot path, and the rule that a change already in effect writes nothing. */
class LoadAllTest extends MachineTest {
  @Test
  void appliesEverySavedOverrideInOneCallAndSummarises() {
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    m.write("etc/driverctl.d/pci-" + EDU, "vfio\n");
    m.write("etc/driverctl.d/pci-0000:09:00.0", "vfio-pci\n");
    Result r = m.run("load-override", "--all");
    assertEquals(0, r.code(), r::toString);
    assertEquals("load-override: 2 applied, 0 already in effect, 0 failed, 1 absent\n", r.out());
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals("edu-vfio-variant", m.driver(EDU));
    assertEquals("e1000", m.driver(FN0));
  }

  @Test
  void aSecondRunWritesNothing() {
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    m.write("etc/driverctl.d/pci-" + EDU, "vfio\n");
    m.run("load-override", "--all");
    int writes = m.kernel.writeLog().size();
    Result r = m.run("load-override", "--all");
    assertEquals(0, r.code(), r::toString);
    assertEquals("load-override: 0 applied, 2 already in effect, 0 failed, 0 absent\n", r.out());
    assertEquals(writes, m.kernel.writeLog().size(), () -> m.kernel.writeLog().toString());
  }

  @Test
  void perDeviceAndAllAtOnceNeverBounceADeviceWhicheverRunsFirst() {
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    assertEquals(0, m.run("load-override", NIC).code());
    int writes = m.kernel.writeLog().size();
    assertEquals(0, m.run("load-override", "--all").code());
    assertEquals(0, m.run("load-override", "pci/" + NIC).code());
    assertEquals(writes, m.kernel.writeLog().size(), () -> m.kernel.writeLog().toString());
  }

  @Test
  void aFailedDeviceFailsTheCallButTheOthersAreStillApplied() {
    m.write("etc/driverctl.d/pci-" + NIC, "no-such-driver\n");
    m.write("etc/driverctl.d/pci-" + VIRTIO, "vfio-pci\n");
    Result r = m.run("load-override", "--all");
    assertEquals(1, r.code(), r::toString);
    assertEquals("load-override: 1 applied, 0 already in effect, 1 failed, 0 absent\n", r.out());
    assertTrue(r.err().startsWith("vfioctl: no such module: no-such-driver"), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertEquals("vfio-pci", m.driver(VIRTIO));
  }

  @Test
  void aCorruptFileNameCountsAsFailedAndNamesTheDevice() {
    m.write("etc/driverctl.d/pci-garbage", "vfio-pci\n");
    Result r = m.run("load-override", "--all");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("garbage"), r::toString);
  }

  @Test
  void nothingSavedIsNoError() {
    Result r = m.run("load-override", "--all");
    assertEquals(0, r.code(), r::toString);
    assertEquals("load-override: 0 applied, 0 already in effect, 0 failed, 0 absent\n", r.out());
  }

  @Test
  void dryRunPrintsThePlansOfEveryDevice() {
    m.load("vfio_pci");
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    Result r = m.run("--dry-run", "load-override", "--all");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().startsWith("write /sys/bus/pci/devices/" + NIC + "/driver_override vfio-pci\n"), r::toString);
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void allTakesNoDeviceAndGoesOnlyWithLoadAndVfioDriver() {
    Result r = m.run("load-override", "--all", NIC);
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("vfioctl: load-override takes <device> (or --all alone)"), r::toString);
    assertEquals(1, m.run("list-persisted", "--all").code());
  }

  @Test
  void theSavedFileIsReadUnderTheLock() throws Exception {
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    CompletableFuture<Result> load;
    try (GlobalLock held = m.host().lock()) {
      Thread[] runner = new Thread[1];
      load = CompletableFuture.supplyAsync(() -> {
        runner[0] = Thread.currentThread();
        return m.run("load-override", NIC);
      });
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (runner[0] == null || !waiting(runner[0].getState())) {
        assertTrue(System.nanoTime() < deadline, "the load never waited for the lock");
        Thread.onSpinWait();
      }
      // Meanwhile an unset-override finishes: the file is gone when the load gets the lock.
      Files.delete(root.resolve("etc/driverctl.d/pci-" + NIC));
    }
    Result r = load.get();
    assertEquals(1, r.code(), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertNull(m.override(NIC));
    assertEquals(List.of(), m.kernel.writeLog());
  }

  private static boolean waiting(Thread.State state) {
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }
}
