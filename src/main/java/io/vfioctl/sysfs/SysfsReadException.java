package io.vfioctl.sysfs;

/**
 * A sysfs file that is there but that vfioctl refuses to read: too large, not a regular file,
 * or behind a loop of links. Unchecked, as {@link Sysfs#read} reports a missing file as empty.
 */
public final class SysfsReadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SysfsReadException(String path, String reason) {
    super("cannot read " + path + ": " + reason + "; check the root");
  }
}
