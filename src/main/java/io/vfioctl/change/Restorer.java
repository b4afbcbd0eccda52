package io.vfioctl.change;

import io.vfioctl.device.Bindings;
import io.vfioctl.core.Log;
import io.vfioctl.core.IoErrors;

import io.vfioctl.core.Action;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.core.OverridePlan;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.SysfsWriteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts a device back as it was before a change: its override, its driver (bound explicitly
 * through that driver's {@code bind} file, then by a probe if that fails) and its saved file.
 * Used to roll back a failed change and to recover one that was cut short.
 */
final class Restorer {
  private final Host host;
  private final Log log;

  Restorer(Host host, Log log) {
    this.host = host;
    this.log = log;
  }


  /** What a restore achieved, in words for the user. */
  record Result(boolean complete, String text) {}

  /** Restores {@code before} and, when {@code saved} is given, the saved file as it was. */
  Result restore(DevicePaths paths, DeviceState before, Optional<Optional<String>> saved) {
    List<String> problems = new ArrayList<>();
    for (Action.Write step : OverridePlan.restore(paths, before, Bindings.current(host, paths))) {
      write(step, problems);
    }
    DeviceState after = Bindings.current(host, paths);
    if (!after.driver().equals(before.driver()) && before.driver().isPresent() && after.driver().isEmpty()) {
      // The bind file refused: let the kernel probe, with no other driver named meanwhile.
      boolean otherNamed = before.override().isPresent() && !before.override().equals(before.driver());
      if (otherNamed) {
        write(new Action.Write(paths.driverOverride(), ""), problems);
      }
      write(new Action.Write(paths.driversProbe(), paths.device().name()), problems);
      if (otherNamed) {
        write(new Action.Write(paths.driverOverride(), before.override().get()), problems);
      }
      after = Bindings.current(host, paths);
    }
    saved.ifPresent(s -> restoreSaved(paths, s, problems));
    return outcome(before, after, problems);
  }

  private void restoreSaved(DevicePaths paths, Optional<String> saved, List<String> problems) {
    try {
      if (host.persisted().read(paths.device()).equals(saved)) {
        return;
      }
      String file = host.persisted().displayPath(paths.device());
      if (saved.isPresent()) {
        log.action(new Action.Persist(file, saved.get()));
        host.persisted().write(paths.device(), saved.get());
      } else {
        log.action(new Action.Unpersist(file));
        host.persisted().remove(paths.device());
      }
    } catch (IOException e) {
      problems.add("cannot restore " + host.persisted().displayPath(paths.device()) + ": " + IoErrors.describe(e));
    }
  }

  private void write(Action.Write step, List<String> problems) {
    log.action(step);
    try {
      host.sysfs().write(step.path(), step.value());
    } catch (SysfsWriteException e) {
      problems.add(e.getMessage());
    }
  }

  private static Result outcome(DeviceState before, DeviceState after, List<String> problems) {
    if (after.equals(before)) {
      String restored = before.driver().map(d -> "restored driver " + d).orElse("device left unbound as before");
      return problems.isEmpty() ? new Result(true, restored) : new Result(false, restored + ", but " + problems.get(0));
    }
    return new Result(false, "COULD NOT RESTORE " + after.differencesFrom(before)
        + (problems.isEmpty() ? "" : ": " + problems.get(0)));
  }
}
