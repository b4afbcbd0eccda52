package io.vfioctl.cli;

import java.io.File;

/**
 * What the launcher needs to know to run a command again when the JVM dies of a damaged
 * start-up cache: files it makes and names in properties, which only vfioctl's code removes.
 * {@code vfioctl.started}: removed first thing; still there, the JVM never ran vfioctl.
 * {@code vfioctl.repeatable}: removed before the first byte reaches stdout, when the call's
 * answer is given (any exit but an internal error), and before a command starts that may not run
 * twice. Still there after a crash, the call printed nothing and running it again ends as one
 * run would: every change is journaled, and the next change first rolls back one a crash cut
 * short; the repeatable commands, run again after they finished, change nothing and say the same.
 */
final class Repeatable {
  private Repeatable() {}

  /** vfioctl's code runs. */
  static void started() {
    remove("vfioctl.started");
  }

  /** From now on, this call must not run again. */
  static void end() {
    remove("vfioctl.repeatable");
  }

  private static void remove(String property) {
    String path = System.getProperty(property);
    if (path != null) {
      new File(path).delete();
    }
  }
}
