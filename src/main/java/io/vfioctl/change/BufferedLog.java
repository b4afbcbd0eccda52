package io.vfioctl.change;

import io.vfioctl.core.Log;

import io.vfioctl.core.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What planning a move said, kept until it is known whether that plan is the one carried out
 * (a plan made before a module is loaded is made again after): then told, in order.
 */
final class BufferedLog implements Log {
  private final List<Consumer<Log>> entries = new ArrayList<>();

  @Override
  public void debug(String message) {
    entries.add(log -> log.debug(message));
  }

  @Override
  public void warn(String message) {
    entries.add(log -> log.warn(message));
  }

  @Override
  public void action(Action action) {
    entries.add(log -> log.action(action));
  }

  void replayTo(Log log) {
    entries.forEach(e -> e.accept(log));
  }
}
