package io.vfioctl.api;

/**
 * Why a {@link Vfioctl} call failed: the {@code vfioctl} command's one-line message, which names
 * the device or file and what to do, fit to show a user as it is.
 */
public final class VfioctlException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  VfioctlException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  static VfioctlException from(io.vfioctl.core.VfioctlException e) {
    return new VfioctlException(e.getMessage(), e.exitCode(), e);
  }

  /** The exit code the {@code vfioctl} command ends with for this failure (1: the user can act on it). */
  public int exitCode() {
    return exitCode;
  }
}
