package io.vfioctl.host;

/** modprobe refused to load a module: unknown, blacklisted, or failing to initialise. */
public class ModuleLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String module;

  public ModuleLoadException(String module, String detail) {
    super(detail);
    this.module = module;
  }

  public String module() {
    return module;
  }
}
