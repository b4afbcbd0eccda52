package io.vfioctl.core;

/** A device, driver or bus name given by the user that vfioctl refuses to use. */
public class InvalidNameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidNameException(String message) {
    super(message);
  }
}
