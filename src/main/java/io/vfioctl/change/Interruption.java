package io.vfioctl.change;

import java.util.concurrent.TimeUnit;

/**
 * A request to stop, from a signal (SIGTERM when a systemd unit times out, SIGINT, SIGHUP). A
 * change in progress notices it before its next step, rolls back and says so; the signal's
 * handler waits for that before the process exits.
 */
public final class Interruption {
  private volatile boolean requested;
  private int changesInProgress;

  /** Thrown at a change's next step once a stop was requested. */
  static final class Requested extends Exception {
    private static final long serialVersionUID = 1L;

    Requested() {
      super("interrupted by a signal", null, false, false);
    }
  }

  /** Asks the change in progress, if any, to roll back at its next step. */
  public void request() {
    requested = true;
  }

  /** Whether a stop was asked for: a signal's shutdown is under way. */
  public boolean requested() {
    return requested;
  }

  /**
   * Asks the change in progress, if any, to roll back, and waits up to {@code seconds} for it.
   *
   * @return false when a change is still in progress: stuck in the kernel
   */
  public synchronized boolean requestAndAwait(long seconds) {
    request();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long left;
    while (changesInProgress > 0 && (left = deadline - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return changesInProgress == 0;
  }

  /** A change begins; none may begin once a stop was requested. */
  synchronized void enter() throws Requested {
    checkpoint();
    changesInProgress++;
  }

  synchronized void leave() {
    changesInProgress--;
    notifyAll();
  }

  void checkpoint() throws Requested {
    if (requested) {
      throw new Requested();
    }
  }
}
