package io.vfioctl.rules;

import io.vfioctl.sysfs.Sysfs;
import java.util.Optional;

/** Where a device's bus link leads, worked out once so that its files are read without the link. */
final class DeviceDirs {
  private DeviceDirs() {}

  /**
   * Where the link {@code dir} leads ({@code /sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0}), or
   * {@code dir} itself when it is no link or leads somewhere odd: every read below it then skips
   * looking up the link again.
   */
  static String realDir(Sysfs sysfs, String dir) {
    Optional<String> target = sysfs.linkTarget(dir);
    return target.isEmpty() ? dir : joined(dir, target.get());
  }

  /**
   * Where the relative link {@code link} at {@code dir} leads, {@code .} and {@code ..} taken
   * out; {@code dir} itself when that is not below {@code /sys} or the link is absolute. Plain
   * character work, once per device: a split and a join cost more than the link's read.
   */
  static String joined(String dir, String link) {
    if (link.startsWith("/")) {
      return dir;
    }
    StringBuilder path = new StringBuilder(dir.length() + link.length());
    path.append(dir, 0, dir.lastIndexOf('/'));
    int at = 0;
    while (at <= link.length()) {
      int end = link.indexOf('/', at);
      end = end < 0 ? link.length() : end;
      int length = end - at;
      if (length == 2 && link.charAt(at) == '.' && link.charAt(at + 1) == '.') {
        int cut = path.lastIndexOf("/");
        if (cut < 0) {
          return dir;
        }
        path.setLength(cut);
      } else if (length > 0 && !(length == 1 && link.charAt(at) == '.')) {
        path.append('/').append(link, at, end);
      }
      at = end + 1;
    }
    String real = path.toString();
    return real.equals("/sys") || real.startsWith("/sys/") ? real : dir;
  }
}
