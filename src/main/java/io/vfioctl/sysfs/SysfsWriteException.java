package io.vfioctl.sysfs;

import io.vfioctl.core.Names;

/** The kernel refused a write to a sysfs file. */
public class SysfsWriteException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String value;
  private final Errno errno;

  public SysfsWriteException(String path, String value, Errno errno) {
    this(path, value, errno, errno.describe());
  }

  /** @param why what went wrong and what to do, when the errno alone does not say it */
  public SysfsWriteException(String path, String value, Errno errno, String why) {
    super("writing '" + Names.printable(value) + "' to " + path + " failed: " + why);
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
