package io.vfioctl.host;

/** Loads kernel modules. */
public interface ModuleLoader {

  /** Loads {@code module} and whatever it depends on. */
  void load(String module) throws ModuleLoadException;

  /** Whether loading really changes the running kernel (false under a fake root). */
  boolean isLive();
}
