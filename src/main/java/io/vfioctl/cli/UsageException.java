package io.vfioctl.cli;

/** The command line is wrong: print the message and the usage, exit 1. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
