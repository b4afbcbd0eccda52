package io.vfioctl.sysfs;

import java.util.List;
import java.util.Optional;

/**
 * The kernel's sysfs as vfioctl sees it. Paths are absolute and written as a user would type them
 * on the running system ({@code /sys/bus/pci/devices/0000:03:00.0/driver_override}); an
 * implementation decides where they really live. Implementations: {@link RootSysfs} over a
 * filesystem root, and the in-memory {@code io.vfioctl.sim.KernelSimulator}.
 */
public interface Sysfs {

  /**
   * The file's content without trailing newlines, or empty if it does not exist or cannot be read.
   *
   * @throws SysfsReadException when the file is there but refused: too large for an attribute,
   *     not a regular file, or behind a loop of links (a hostile root, never the kernel)
   */
  Optional<String> read(String path);

  /** The names in a directory, sorted; empty if it does not exist. */
  List<String> list(String dir);

  /** The last component of a symbolic link's target ({@code driver} -> {@code e1000}). */
  Optional<String> linkName(String path);

  /**
   * A symbolic link's target as written ({@code ../../devices/pci0000:00/0000:00:02.0/net/eth0}),
   * or empty if {@code path} is not a link. The class directories ({@code /sys/class/net},
   * {@code /sys/class/block}) say through it which device provides an interface or a disk.
   */
  Optional<String> linkTarget(String path);

  boolean exists(String path);

  /**
   * Writes {@code value} followed by a newline in one write call, as {@code echo value > path}
   * does. The kernel's refusal surfaces as a {@link SysfsWriteException} carrying its errno.
   */
  void write(String path, String value) throws SysfsWriteException;
}
