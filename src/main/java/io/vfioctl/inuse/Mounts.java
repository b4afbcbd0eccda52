package io.vfioctl.inuse;

import io.vfioctl.core.Text;
import io.vfioctl.sysfs.SizeLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is mounted ({@code /proc/self/mountinfo}) and what is swap ({@code /proc/swaps}), as seen
 * from vfioctl's mount namespace. Lines that do not parse are skipped. A file that cannot be
 * read is no information, and {@link #unreadable} says so: a disk that might be mounted must not
 * pass for unused.
 */
final class Mounts {
  static final String MOUNTINFO = "/proc/self/mountinfo";
  static final String SWAPS = "/proc/swaps";
  private static final SizeLimit MOUNT_TABLE = SizeLimit.mib(4, "a mount table");
  private static final SizeLimit SWAP_LIST = SizeLimit.mib(1, "a swap list");

  /** A mount: the block device's {@code major:minor}, the source as written, where it is mounted. */
  record Mount(String majorMinor, String source, String mountPoint) {
    boolean isRoot() {
      return mountPoint.equals("/");
    }
  }

  private final List<Mount> mounts = new ArrayList<>();
  private final List<String> swaps = new ArrayList<>();
  private final List<String> unreadable = new ArrayList<>();

  static Mounts read(UseSources sources) {
    Mounts m = new Mounts();
    UseSources.ProcLines mountinfo = sources.proc(MOUNTINFO, MOUNT_TABLE);
    mountinfo.lines().forEach(m::addMount);
    mountinfo.unreadable().ifPresent(m.unreadable::add);
    UseSources.ProcLines swaps = sources.proc(SWAPS, SWAP_LIST);
    swaps.lines().stream().skip(1).forEach(m::addSwap);
    swaps.unreadable().ifPresent(m.unreadable::add);
    return m;
  }

  /** The mounts of a block device with this {@code dev} attribute or one of these {@code /dev} names. */
  List<Mount> of(Optional<String> majorMinor, List<String> devNames) {
    return mounts.stream()
        .filter(m -> majorMinor.filter(m.majorMinor()::equals).isPresent() || devNames.contains(m.source()))
        .toList();
  }

  boolean isSwap(List<String> devNames) {
    return swaps.stream().anyMatch(devNames::contains);
  }

  /** Why what is mounted or swap may be unknown: the files that could not be read. */
  List<String> unreadable() {
    return unreadable;
  }

  /** {@code 27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw}: optional fields end at {@code -}. */
  private void addMount(String line) {
    String[] f = line.split(" ");
    int separator = List.of(f).indexOf("-");
    if (separator < 6 || f.length < separator + 3) {
      return;
    }
    mounts.add(new Mount(f[2], unescape(f[separator + 2]), unescape(f[4])));
  }

  /** {@code /dev/vda2 partition 1048572 0 -2}, after a header line. */
  private void addSwap(String line) {
    String[] f = Text.fields(line.trim(), " \t");
    if (!f[0].isEmpty()) {
      swaps.add(unescape(f[0]));
    }
  }

  /** Undoes the kernel's octal escapes of space, tab, newline and backslash ({@code \040}). */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && isOctal(s, i + 1)) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int from) {
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
