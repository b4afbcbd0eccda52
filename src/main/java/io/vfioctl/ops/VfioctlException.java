package io.vfioctl.ops;

/**
 * A failure the user can act on: its message is one line naming the device or file and what to
 * do, printed without a stack trace.
 */
public class VfioctlException extends Exception {
  private static final long serialVersionUID = 1L;
  /** The exit code of a failure of vfioctl itself, as sysexits' EX_SOFTWARE. */
  public static final int INTERNAL_ERROR = 70;

  private final int exitCode;

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
}
