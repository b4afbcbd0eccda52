package io.vfioctl.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WatchdogTest {
  /** A scan reads in two threads: one thread's accesses that end must not hide the other's that never does. */
  @Test
  void anAccessStuckInOneThreadIsReportedWhileAnotherThreadGoesOn() throws Exception {
    AtomicReference<String> stuck = new AtomicReference<>();
    CountDownLatch fired = new CountDownLatch(1);
    try (Watchdog watchdog = new Watchdog(1, what -> {
      stuck.set(what);
      fired.countDown();
    })) {
      holdInAnotherThread(watchdog, "/sys/stuck", fired);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (fired.getCount() > 0 && System.nanoTime() < until) {
        watchdog.begin("reading ", "/sys/fine");
        watchdog.end();
      }
      assertFalse(fired.getCount() > 0, "the stuck access was never reported");
      assertEquals("reading /sys/stuck", stuck.get());
    }
  }

  @Test
  void theAccessInProgressIsTheOldest() throws Exception {
    try (Watchdog watchdog = new Watchdog(60, what -> { })) {
      CountDownLatch done = new CountDownLatch(1);
      Thread other = holdInAnotherThread(watchdog, "/sys/first", done);
      Thread.sleep(5);
      watchdog.begin("reading ", "/sys/second");
      assertEquals("reading /sys/first", watchdog.current().orElseThrow());
      watchdog.end();
      done.countDown();
      other.join();
      assertEquals(java.util.Optional.empty(), watchdog.current());
    }
  }

  /** Begins reading {@code path} in a thread of its own, which ends the access once {@code release} opens. */
  private static Thread holdInAnotherThread(Watchdog watchdog, String path, CountDownLatch release) throws InterruptedException {
    CountDownLatch begun = new CountDownLatch(1);
    Thread other = new Thread(() -> {
      watchdog.begin("reading ", path);
      begun.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      watchdog.end();
    });
    other.setDaemon(true);
    other.start();
    begun.await();
    return other;
  }
}
