package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.host.LockHolder;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Every sysfs access has a deadline, and so does waiting for another caller's lock. */
class DeadlineTest extends MachineTest {
  @Test
  void aStuckWriteIsNamedWithItsUsualCauseAndTheLockIsLetGo() {
    m.load("vfio_pci");
    m.kernel.slowWrites(2500);
    AtomicBoolean lockFreeWhileStuck = new AtomicBoolean();
    Result r = m.runWith("vfioctl", main -> main.onStuck(() -> lockFreeWhileStuck.set(lockIsFree(m.root))),
        "--timeout", "1", "set-override", NIC, "vfio-pci");
    String message = r.err().lines().findFirst().orElse("");
    assertTrue(message.startsWith("vfioctl: writing vfio-pci to /sys/bus/pci/devices/" + NIC
        + "/driver_override has not returned after 1 s: the device is locked"), message);
    assertTrue(message.contains("'vfioctl recover' rolls it back"), message);
    assertTrue(lockFreeWhileStuck.get(), "the global lock was still held while the write was stuck");
  }

  @Test
  void theDeadlineNamesAnUnbindByWhatHoldsTheDevice() {
    assertTrue(StuckAccess.why("writing 0000:00:02.0 to /sys/bus/pci/devices/0000:00:02.0/driver/unbind")
        .contains("/dev/vfio group"));
    assertTrue(StuckAccess.why("reading /sys/bus/pci/devices/0000:00:02.0/modalias").contains("FIFO"));
  }

  @Test
  void aCallerWaitingForAStuckHolderSaysWhoAndGivesUp() throws Exception {
    Path lock = m.root.resolve("run/vfioctl.lock");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
        lock.toString()).redirectErrorStream(true).start();
    try {
      String first = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertEquals("locked", first);
      Result r = m.run("--timeout", "1", "set-override", NIC, "vfio-pci");
      assertEquals(1, r.code(), r::toString);
      String pid = "pid " + holder.pid();
      assertTrue(r.err().startsWith("vfioctl: warning: waiting for another vfioctl (" + pid), r::toString);
      assertTrue(r.err().contains("has held " + lock + " for more than 4 s; it is probably stuck in a sysfs write"),
          r::toString);
      assertEquals("e1000", m.driver(NIC));
    } finally {
      holder.destroy();
    }
  }

  @Test
  void aTimeoutMustBeWholeSeconds() {
    for (String bad : new String[] {"-1", "1.5", "abc", "100000", ""}) {
      Result r = m.run("--timeout", bad, "list-devices");
      assertEquals(1, r.code(), bad);
      assertTrue(r.err().startsWith("vfioctl: --timeout takes whole seconds"), r::toString);
    }
    assertEquals(0, m.run("--timeout=0", "list-devices").code());
  }

  private static boolean lockIsFree(Path root) {
    try (FileChannel ch = FileChannel.open(root.resolve("run/vfioctl.lock"), StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      assertNotNull(l);
      l.release();
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
