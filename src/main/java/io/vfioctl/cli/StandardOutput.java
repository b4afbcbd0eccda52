package io.vfioctl.cli;

import java.io.FileDescriptor;
import java.lang.reflect.Constructor;

/**
 * Where the command's output goes. A JVM writes its fatal-error banner to descriptor 1 whatever
 * its options say (JDK-8215004), where a script reading {@code list-devices} would take it for
 * devices. So the launcher hands the JVM the caller's stdout as another descriptor, named by
 * {@code -Dvfioctl.stdout}, and its stderr as descriptor 1. Java has no public way to write to
 * an inherited descriptor: the launcher opens {@code java.io} to this class for it.
 */
final class StandardOutput {
  private StandardOutput() {}

  /** The caller's stdout: the descriptor the launcher names, else 1. */
  static FileDescriptor descriptor() {
    String fd = System.getProperty("vfioctl.stdout");
    return fd == null ? FileDescriptor.out : of(Integer.parseInt(fd));
  }

  /** Descriptor {@code fd}, inherited from the launcher. */
  static FileDescriptor of(int fd) {
    try {
      Constructor<FileDescriptor> inherited = FileDescriptor.class.getDeclaredConstructor(int.class);
      inherited.setAccessible(true);
      return inherited.newInstance(fd);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot write to descriptor " + fd
          + " (-Dvfioctl.stdout needs --add-opens=java.base/java.io=ALL-UNNAMED, as the launcher passes): " + e);
    }
  }
}
