package io.vfioctl.core;

/** One step that changes the system, as printed by {@code --dry-run} and {@code --verbose}. */
public sealed interface Action {

  String describe();

  /** A write to a sysfs file. */
  record Write(String path, String value) implements Action {
    @Override
    public String describe() {
      return "write " + path + " " + (value.isEmpty() ? "\"\"" : Names.escaped(value));
    }
  }

  /** Loading a kernel module with modprobe. */
  record LoadModule(String module) implements Action {
    @Override
    public String describe() {
      return "modprobe " + module;
    }
  }

  /** Saving an override under {@code /etc/driverctl.d}. */
  record Persist(String path, String driver) implements Action {
    @Override
    public String describe() {
      return "write " + path + " " + driver;
    }
  }

  /** Removing a saved override. */
  record Unpersist(String path) implements Action {
    @Override
    public String describe() {
      return "remove " + path;
    }
  }

  /** Recording, for {@code reattach}, what a device was bound to before {@code detach} took it. */
  record RecordOriginal(String path, DeviceState original) implements Action {
    @Override
    public String describe() {
      return "write " + path + " driver=" + Names.escaped(original.driver().orElse("")) + " override="
          + Names.escaped(original.override().orElse(""));
    }
  }

  /** Forgetting that record once the device is back. */
  record ForgetOriginal(String path) implements Action {
    @Override
    public String describe() {
      return "remove " + path;
    }
  }
}
