package io.vfioctl.host;

import java.util.ArrayList;
import java.util.List;

/** Under a fake root nothing may touch the host's kernel: module loads are only recorded. */
public final class RecordedModules implements ModuleLoader {
  private final List<String> loaded = new ArrayList<>();

  @Override
  public synchronized void load(String module) {
    loaded.add(module);
  }

  public synchronized List<String> loaded() {
    return List.copyOf(loaded);
  }

  @Override
  public boolean isLive() {
    return false;
  }
}
