package io.vfioctl.core;

/**
 * A failure the user can act on: its message is one line naming the device or file and what to
 * do, printed without a stack trace.
 */
public class VfioctlException extends Exception {
  private static final long serialVersionUID = 1L;
  /** The exit code of a failure of vfioctl itself, as sysexits' EX_SOFTWARE. */
  public static final int INTERNAL_ERROR = 70;

  private final int exitCode;
  private boolean reported;

  public VfioctlException(String message) {
    this(message, 1);
  }

  public VfioctlException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Whether the message was already printed (as a change does when a signal cuts it short). */
  public boolean reported() {
    return reported;
  }

  public VfioctlException markReported() {
    reported = true;
    return this;
  }
}
