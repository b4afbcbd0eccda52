package io.vfioctl.api;

/**
 * Where a {@link Vfioctl} tells what it does, as the command tells it on standard error with
 * {@code --verbose}. Every method does nothing unless overridden.
 */
public interface Log {
  /** A detail, as {@code --verbose} shows it. */
  default void debug(String message) {}

  /** Something the caller should know that does not stop the call, as {@code vfioctl: warning: …}. */
  default void warn(String message) {}

  /**
   * A step that changes the system, about to be carried out (or, in a dry run, that would be),
   * as {@code --dry-run} prints it: {@code write /sys/bus/pci/devices/0000:3b:00.2/driver_override vfio-pci}.
   */
  default void action(String step) {}
}
