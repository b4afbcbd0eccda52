package io.vfioctl.api;

import io.vfioctl.core.Action;

/** The caller's {@link Log} as the internal log the engine writes to. */
record LogAdapter(Log log) implements io.vfioctl.core.Log {
  @Override
  public void debug(String message) {
    log.debug(message);
  }

  @Override
  public void warn(String message) {
    log.warn(message);
  }

  @Override
  public void action(Action action) {
    log.action(action.describe());
  }
}
