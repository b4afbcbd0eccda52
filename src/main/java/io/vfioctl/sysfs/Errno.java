package io.vfioctl.sysfs;

/**
 * The errno values a sysfs write can fail with, and how to tell a user what they mean. Under a
 * fake root the file system's own errors (a directory where a file should be, a link loop) show
 * up too.
 */
public enum Errno {
  EPERM("Operation not permitted", "run as root"),
  ENOENT("No such file or directory", "the device or driver has gone away; check the address"),
  EIO("Input/output error", "see dmesg for the driver's complaint"),
  ENXIO("No such device or address", "the device or driver has gone away; check the address"),
  EAGAIN("Resource temporarily unavailable", "try again"),
  ENOMEM("Cannot allocate memory", "try again"),
  EACCES("Permission denied", "run as root"),
  EBUSY("Device or resource busy", "the device is in use; stop whatever uses it first"),
  EEXIST("File exists", "it is already there"),
  ENODEV("No such device", "the driver refused the device or the device is gone; see dmesg"),
  EINVAL("Invalid argument", "the kernel refused the value; see dmesg"),
  ENOSPC("No space left on device", "free resources and try again"),
  EROFS("Read-only file system", "sysfs is mounted read-only here"),
  EINTR("Interrupted system call", "try again"),
  EFAULT("Bad address", "see dmesg"),
  E2BIG("Argument list too long", "the value is too long"),
  EISDIR("Is a directory", "a file was expected here; check the root"),
  ENOTDIR("Not a directory", "a directory was expected here; check the root"),
  ELOOP("Too many levels of symbolic links", "a symbolic link loops; check the root"),
  ENAMETOOLONG("File name too long", "check the device and driver names"),
  EOPNOTSUPP("Operation not supported", "the driver or bus does not support this"),
  ETIMEDOUT("Connection timed out", "the device did not answer in time; see dmesg"),
  UNKNOWN("Unknown error", "see dmesg");

  private final String strerror;
  private final String hint;

  Errno(String strerror, String hint) {
    this.strerror = strerror;
    this.hint = hint;
  }

  public String strerror() {
    return strerror;
  }

  public String hint() {
    return hint;
  }

  /** {@code Is a directory (EISDIR): a file was expected here; check the root}. */
  public String describe() {
    return strerror + " (" + name() + "): " + hint;
  }

  /** Maps the message of a Java I/O exception (the C library's strerror text) back to an errno. */
  public static Errno fromMessage(String message) {
    if (message != null) {
      for (Errno e : values()) {
        if (e != UNKNOWN && message.contains(e.strerror)) {
          return e;
        }
      }
    }
    return UNKNOWN;
  }
}
