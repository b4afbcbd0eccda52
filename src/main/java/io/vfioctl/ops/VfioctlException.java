package io.vfioctl.ops;

/**
 * A failure the user can act on: its message is one line naming the device or file and what to
 * do, printed without a stack trace.
 */
public class VfioctlException extends Exception {
  private static final long serialVersionUID = 1L;

  public VfioctlException(String message) {
    super(message);
  }
}
