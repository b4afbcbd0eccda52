package io.vfioctl.sysfs;

import java.util.List;
import java.util.Optional;

/**
 * A {@link Sysfs} whose every access has the {@link Watchdog}'s deadline. Each access names
 * itself by a verb and its path, joined only if it outlives the deadline: a listing makes
 * thousands of accesses.
 */
public final class WatchedSysfs implements Sysfs {
  private final Sysfs sysfs;
  private final Watchdog watchdog;

  public WatchedSysfs(Sysfs sysfs, Watchdog watchdog) {
    this.sysfs = sysfs;
    this.watchdog = watchdog;
  }

  @Override
  public Optional<String> read(String path) {
    watchdog.begin("reading ", path);
    try {
      return sysfs.read(path);
    } finally {
      watchdog.end();
    }
  }

  @Override
  public List<String> list(String dir) {
    watchdog.begin("listing ", dir);
    try {
      return sysfs.list(dir);
    } finally {
      watchdog.end();
    }
  }

  @Override
  public Optional<String> linkName(String path) {
    watchdog.begin("reading the link ", path);
    try {
      return sysfs.linkName(path);
    } finally {
      watchdog.end();
    }
  }

  @Override
  public Optional<String> linkTarget(String path) {
    watchdog.begin("reading the link ", path);
    try {
      return sysfs.linkTarget(path);
    } finally {
      watchdog.end();
    }
  }

  @Override
  public boolean exists(String path) {
    watchdog.begin("looking up ", path);
    try {
      return sysfs.exists(path);
    } finally {
      watchdog.end();
    }
  }

  @Override
  public void write(String path, String value) throws SysfsWriteException {
    watchdog.begin("writing " + value + " to ", path);
    try {
      sysfs.write(path, value);
    } finally {
      watchdog.end();
    }
  }
}
