package io.vfioctl.change;

import io.vfioctl.core.Action;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import java.util.List;
import java.util.Optional;

/**
 * One device's part of a change, planned before anything is written: the state it starts from
 * (to roll back to), the steps, how to tell they worked, and what follows once the change is over.
 *
 * @param savedBefore the saved override before the change
 * @param recordBefore the detach record before the change
 * @param goal the state the change aims at, for the journal
 * @param afterwards steps taken once every device of the change is done (forgetting a detach record)
 */
record Move(DevicePaths paths, DeviceState before, Optional<String> savedBefore, Optional<DeviceState> recordBefore,
    List<Action> steps, Expect expect, DeviceState goal, List<Action> afterwards) {

  Move {
    steps = List.copyOf(steps);
    afterwards = List.copyOf(afterwards);
  }

  /** What must hold once the steps ran. */
  sealed interface Expect {}

  /** Nothing was probed: nothing to check. */
  record Unchecked() implements Expect {}

  /** Some driver bound it; or, when no host driver could ever claim the device, none. */
  record AnyDriver() implements Expect {}

  record Driver(String name) implements Expect {}

  /** Exactly this driver and override, or none when the state has none (a reattach restoring a record). */
  record Exactly(DeviceState state) implements Expect {}

  /** Whether the move writes anything at all (module loads aside). */
  boolean changes() {
    return steps.stream().anyMatch(s -> !(s instanceof Action.LoadModule));
  }

  boolean unbinds() {
    return steps.stream().anyMatch(s -> s instanceof Action.Write w && w.path().equals(paths.unbind()));
  }
}
