package io.vfioctl.sysfs;

import java.util.List;
import java.util.Optional;

/** A {@link Sysfs} whose every access has the {@link Watchdog}'s deadline. */
public final class WatchedSysfs implements Sysfs {
  private final Sysfs sysfs;
  private final Watchdog watchdog;

  public WatchedSysfs(Sysfs sysfs, Watchdog watchdog) {
    this.sysfs = sysfs;
    this.watchdog = watchdog;
  }

  private interface Access<T, E extends Exception> {
    T run() throws E;
  }

  private <T, E extends Exception> T watched(String what, Access<T, E> access) throws E {
    watchdog.begin(what);
    try {
      return access.run();
    } finally {
      watchdog.end();
    }
  }

  @Override
  public Optional<String> read(String path) {
    return watched("reading " + path, () -> sysfs.read(path));
  }

  @Override
  public List<String> list(String dir) {
    return watched("listing " + dir, () -> sysfs.list(dir));
  }

  @Override
  public Optional<String> linkName(String path) {
    return watched("reading the link " + path, () -> sysfs.linkName(path));
  }

  @Override
  public Optional<String> linkTarget(String path) {
    return watched("reading the link " + path, () -> sysfs.linkTarget(path));
  }

  @Override
  public boolean exists(String path) {
    return watched("looking up " + path, () -> sysfs.exists(path));
  }

  @Override
  public void write(String path, String value) throws SysfsWriteException {
    this.<Void, SysfsWriteException>watched("writing " + value + " to " + path, () -> {
      sysfs.write(path, value);
      return null;
    });
  }
}
