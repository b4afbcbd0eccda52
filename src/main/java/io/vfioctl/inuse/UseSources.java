package io.vfioctl.inuse;

import io.vfioctl.core.IoErrors;
import io.vfioctl.device.Sriov;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.Names;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.SizeLimit;
import io.vfioctl.sysfs.SysfsReadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link DeviceUse} reads, read so that nothing a root holds can make it fail: sysfs
 * attributes (a refused one is as good as missing), the entries of a class directory that a
 * device provides, and bounded {@code /proc} files.
 */
final class UseSources {
  private final Host host;
  /**
   * What one check of many devices reads again and again: class directories and /proc files.
   * Read once per instance, so an instance serves one look at the host (before any write).
   */
  private final Map<String, List<ClassEntry>> classes = new HashMap<>();
  private final Map<String, ProcLines> procFiles = new HashMap<>();
  /** The mount table and the routes, parsed once (a PF with thousands of VFs asks for each VF). */
  private Mounts mounts;
  private IpConfig ipConfig;

  UseSources(Host host) {
    this.host = host;
  }

  Mounts mounts() {
    if (mounts == null) {
      mounts = Mounts.read(this);
    }
    return mounts;
  }

  IpConfig ipConfig() {
    if (ipConfig == null) {
      ipConfig = IpConfig.read(this);
    }
    return ipConfig;
  }

  /** A PF's VFs ({@link Sriov}). */
  List<String> virtfns(DevicePaths pf) {
    return new Sriov(host).virtfns(pf.dir());
  }

  /** A sysfs attribute, or empty when it is missing or refused (a FIFO, too large). */
  Optional<String> attribute(String path) {
    try {
      return host.sysfs().read(path);
    } catch (SysfsReadException e) {
      return Optional.empty();
    }
  }

  /** The names in a sysfs directory that can be path components, sorted. */
  List<String> names(String dir) {
    return host.sysfs().list(dir).stream().filter(UseSources::isPathComponent).toList();
  }

  /** The last component of a link's target, if it can be a path component. */
  Optional<String> linkedName(String path) {
    return host.sysfs().linkName(path).filter(UseSources::isPathComponent);
  }

  /**
   * Whether {@code name} can stand for one directory entry. Looser than {@link Names#isComponent}:
   * the kernel allows interface names with bytes beyond ASCII, and such an interface is in use all
   * the same (messages show names through {@link Names#printable}).
   */
  static boolean isPathComponent(String name) {
    return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
        && name.indexOf('\0') < 0;
  }

  boolean exists(String path) {
    return host.sysfs().exists(path);
  }

  /** An entry of a class directory ({@code /sys/class/net/eth0}) and its link's target components. */
  record ClassEntry(String name, List<String> target) {
    /** Whether the link passes through a directory called {@code component} (a device's address). */
    boolean passesThrough(String component) {
      return target.contains(component);
    }

    /** The component before the last: a partition's disk ({@code .../block/sda/sda1}). */
    Optional<String> parent() {
      return target.size() < 2 ? Optional.empty() : Optional.of(target.get(target.size() - 2));
    }
  }

  /** The entries of {@code classDir} whose link passes through {@code address}, as the kernel's device tree nests them. */
  List<ClassEntry> provided(String classDir, String address) {
    return entries(classDir).stream().filter(e -> e.passesThrough(address)).toList();
  }

  /** Every entry of {@code classDir} that is a link, with its target. */
  List<ClassEntry> entries(String classDir) {
    return classes.computeIfAbsent(classDir, this::readEntries);
  }

  private List<ClassEntry> readEntries(String classDir) {
    List<ClassEntry> found = new ArrayList<>();
    for (String name : names(classDir)) {
      host.sysfs().linkTarget(classDir + "/" + name)
          .ifPresent(t -> found.add(new ClassEntry(name, Arrays.asList(t.split("/")))));
    }
    return found;
  }

  /**
   * A {@code /proc} file's lines. A missing file gives none (a root without {@code proc} has
   * nothing mounted and no routes); a file that is refused (larger than {@code limit}, not a
   * regular file) or cannot be read gives none and says why, for the callers to which
   * "nothing" would be unsafe. Bytes are decoded as ISO-8859-1, so garbage never fails to decode.
   */
  ProcLines proc(String path, SizeLimit limit) {
    return procFiles.computeIfAbsent(path, p -> readProc(p, limit));
  }

  private ProcLines readProc(String path, SizeLimit limit) {
    try {
      String text = new String(host.files().read(path, limit), StandardCharsets.ISO_8859_1);
      // Only \n ends a line: the kernel writes a \r in a mount point as it is.
      return new ProcLines(List.of(text.split("\n")), Optional.empty());
    } catch (NoSuchFileException e) {
      return new ProcLines(List.of(), Optional.empty());
    } catch (IOException e) {
      return new ProcLines(List.of(), Optional.of(path + " cannot be read (" + IoErrors.describe(e) + ")"));
    }
  }

  /** The lines of a {@code /proc} file, and why there are none when it could not be read. */
  record ProcLines(List<String> lines, Optional<String> unreadable) {}
}
