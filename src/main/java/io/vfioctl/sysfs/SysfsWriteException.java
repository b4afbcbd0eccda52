package io.vfioctl.sysfs;

import io.vfioctl.core.Names;

/** The kernel refused a write to a sysfs file. */
public class SysfsWriteException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String value;
  private final Errno errno;

  public SysfsWriteException(String path, String value, Errno errno) {
    super("writing '" + Names.printable(value) + "' to " + path + " failed: " + errno.strerror()
        + " (" + errno.name() + "): " + errno.hint());
    this.path = path;
    this.value = value;
    this.errno = errno;
  }

  public String path() {
    return path;
  }

  public String value() {
    return value;
  }

  public Errno errno() {
    return errno;
  }
}
