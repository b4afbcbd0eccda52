package io.vfioctl.cli;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the launcher needs to know to run a command again when the JVM dies of a damaged
 * start-up cache: files it makes and names in properties, which only vfioctl's code removes.
 * {@code vfioctl.started}: removed first thing; still there, the JVM never ran vfioctl.
 * {@code vfioctl.repeatable}: removed before the first byte reaches stdout, when the call's
 * answer is given (any exit but an internal error), and before a command starts that may not run
 * twice. Still there after a crash, the call printed nothing and running it again ends as one
 * run would: every change is journaled, and the next change first rolls back one a crash cut
 * short; the repeatable commands, run again after they finished, change nothing and say the same.
 * {@code vfioctl.exit}: a descriptor (a pipe the launcher reads) that is told the exit code
 * before the output is written and "delivered" once all of it is: a crash after that, in the
 * JVM's shutdown, does not fail the call.
 */
final class Repeatable {
  /**
   * {@link #end}, from one call site for every caller: training resolves it, so that no call
   * spins a lambda class at start-up (about a millisecond each, before anything is printed).
   */
  static final Runnable END = Repeatable::end;

  private Repeatable() {}

  /** vfioctl's code runs. */
  static void started() {
    remove("vfioctl.started");
  }

  /** From now on, this call must not run again. */
  static void end() {
    remove("vfioctl.repeatable");
  }

  /** The call ends with exit code {@code rc}; its output is about to be written. */
  static void ending(int rc) {
    tell(rc + " ");
  }

  /** All of the output is written: the call's answer and exit code stand whatever happens next. */
  static void delivered() {
    tell("delivered");
  }

  private static void tell(String what) {
    String fd = System.getProperty("vfioctl.exit");
    if (fd != null) {
      try {
        new FileOutputStream(StandardOutput.of(Integer.parseInt(fd))).write(what.getBytes(StandardCharsets.US_ASCII));
      } catch (IOException | RuntimeException e) {
        // the launcher is gone, or not the one that names the descriptor: it has no use for this
      }
    }
  }

  private static void remove(String property) {
    String path = System.getProperty(property);
    if (path != null) {
      new File(path).delete();
    }
  }
}
