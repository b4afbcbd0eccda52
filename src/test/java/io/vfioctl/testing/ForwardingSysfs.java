package io.vfioctl.testing;

import io.vfioctl.sysfs.Sysfs;
import io.vfioctl.sysfs.SysfsWriteException;
import java.util.List;
import java.util.Optional;

/** A sysfs that passes every call on to another: a test overrides the calls it watches or breaks. */
public class ForwardingSysfs implements Sysfs {
  private final Sysfs to;

  public ForwardingSysfs(Sysfs to) {
    this.to = to;
  }

  @Override
  public Optional<String> read(String path) {
    return to.read(path);
  }

  @Override
  public List<String> list(String dir) {
    return to.list(dir);
  }

  @Override
  public Optional<String> linkName(String path) {
    return to.linkName(path);
  }

  @Override
  public Optional<String> linkTarget(String path) {
    return to.linkTarget(path);
  }

  @Override
  public boolean exists(String path) {
    return to.exists(path);
  }

  @Override
  public void write(String path, String value) throws SysfsWriteException {
    to.write(path, value);
  }
}
