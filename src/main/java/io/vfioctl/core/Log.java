package io.vfioctl.core;

import io.vfioctl.core.Action;

/** Where an operation tells what it does: debug lines for {@code --verbose}, actions for both. */
public interface Log {
  void debug(String message);

  void warn(String message);

  /** An action about to be carried out (or, in a dry run, that would be). */
  void action(Action action);

  /** A change of many devices got this far; shown on a terminal only. */
  default void progress(int done, int total) {}
}
