package io.vfioctl.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobalLockTest {
  @TempDir Path root;

  @Test
  void secondHolderWaitsForTheFirst() throws Exception {
    Path file = root.resolve("run/vfioctl.lock");
    AtomicBoolean acquired = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Thread other;
    try (GlobalLock first = GlobalLock.acquire(file)) {
      other = new Thread(() -> {
        try (GlobalLock second = GlobalLock.acquire(file)) {
          acquired.set(true);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        done.countDown();
      });
      other.start();
      assertFalse(done.await(200, TimeUnit.MILLISECONDS), "the lock must not be granted twice");
      assertFalse(acquired.get());
    }
    assertTrue(done.await(5, TimeUnit.SECONDS));
    assertTrue(acquired.get());
  }

  @Test
  void anotherProcessHoldingTheLockMakesUsWait() throws Exception {
    Path file = root.resolve("run/vfioctl.lock");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
        file.toString()).redirectErrorStream(true).start();
    try {
      String first = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
      assertTrue("locked".equals(first), "holder said: " + first);
      CountDownLatch done = new CountDownLatch(1);
      Thread waiter = new Thread(() -> {
        try (GlobalLock mine = GlobalLock.acquire(file)) {
          done.countDown();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      waiter.start();
      assertFalse(done.await(500, TimeUnit.MILLISECONDS), "the lock was granted while another process held it");
      holder.getOutputStream().close();
      assertTrue(done.await(10, TimeUnit.SECONDS), "the lock was not granted after the other process let go");
    } finally {
      holder.destroy();
    }
  }
}
