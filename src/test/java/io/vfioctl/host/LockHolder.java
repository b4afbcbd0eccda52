package io.vfioctl.host;

import java.nio.file.Path;

/** Holds the global lock in a separate process until its stdin closes (for GlobalLockTest). */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (GlobalLock lock = GlobalLock.acquire(Path.of(args[0]))) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the test to close our stdin
      }
    }
  }
}
