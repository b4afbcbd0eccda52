package io.vfioctl.sysfs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Gives every sysfs access a deadline. A write can block in the kernel for as long as a device
 * has users (unbinding a device a VM holds), and a read of a FIFO in a fake root for ever; no
 * Java code can abort such a call. So the call being made is registered here, and a daemon
 * thread reports an access that outlives its deadline to {@code expired}, which in the tool says
 * what is stuck, lets go of the global lock and ends the process. It costs two volatile writes
 * an access. Each thread that accesses sysfs has its own slot: a scan that reads in two threads
 * must not have one thread's end hide the other's stuck access.
 */
public final class Watchdog implements AutoCloseable {
  private final long deadlineNanos;
  private final Consumer<String> expired;
  private final ThreadLocal<Slot> slot = ThreadLocal.withInitial(this::newSlot);
  private final List<Slot> slots = new CopyOnWriteArrayList<>();
  private volatile boolean fired;
  private Thread thread;

  /** One thread's access in progress, if any. */
  private static final class Slot {
    volatile Access current;
    volatile long startedAt;
  }

  private Slot newSlot() {
    Slot s = new Slot();
    slots.add(s);
    return s;
  }

  /**
   * @param deadlineSeconds how long one access may take; 0 for no deadline
   * @param expired told which access is stuck, once, from the watchdog's thread
   */
  public Watchdog(long deadlineSeconds, Consumer<String> expired) {
    this.deadlineNanos = deadlineSeconds * 1_000_000_000L;
    this.expired = expired;
  }

  public long deadlineSeconds() {
    return deadlineNanos / 1_000_000_000L;
  }

  /** An access: what it does ({@code reading }) and to which path, joined only for a message. */
  private record Access(String action, String path) {
    String describe() {
      return action + path;
    }
  }

  /** An access begins; {@code what} names it in the message should it never end. */
  public void begin(String what) {
    begin(what, "");
  }

  /** As {@link #begin(String)}, for {@code action} followed by {@code path} ({@code reading } and a file). */
  public void begin(String action, String path) {
    if (deadlineNanos <= 0) {
      return;
    }
    Slot s = slot.get();
    s.startedAt = System.nanoTime();
    s.current = new Access(action, path);
    if (thread == null) {
      start();
    }
  }

  public void end() {
    if (deadlineNanos > 0) {
      slot.get().current = null;
    }
  }

  /** The access in progress that began first, if any. */
  public java.util.Optional<String> current() {
    Access first = null;
    long since = 0;
    for (int i = 0; i < slots.size(); i++) { // by index: an iterator's class is not in the start-up cache
      Slot s = slots.get(i);
      Access a = s.current;
      long at = s.startedAt;
      if (a != null && (first == null || at - since < 0)) {
        first = a;
        since = at;
      }
    }
    return java.util.Optional.ofNullable(first).map(Access::describe);
  }

  private synchronized void start() {
    if (thread != null || fired) {
      return;
    }
    thread = new Thread(this::watch, "vfioctl-watchdog");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops watching: the calls this watchdog guards are over. */
  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.interrupt();
    }
    fired = true;
  }

  private void watch() {
    long tick = Math.max(1_000_000L, Math.min(deadlineNanos / 10, 200_000_000L));
    while (!fired) {
      // Not Thread.sleep, which loads its event classes (they are not in the start-up cache).
      LockSupport.parkNanos(tick);
      if (Thread.interrupted()) {
        return;
      }
      for (int i = 0; i < slots.size(); i++) { // by index: see current()
        Slot s = slots.get(i);
        Access what = s.current;
        if (what != null && System.nanoTime() - s.startedAt > deadlineNanos) {
          fired = true;
          expired.accept(what.describe());
          break;
        }
      }
    }
  }
}
