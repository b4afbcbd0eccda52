package io.vfioctl.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The steps that move a device from its current state to a new override, in the order the kernel
 * needs them. {@code driver_override} is written before unbinding so that no other driver can
 * grab the device in between.
 *
 * @param expectedDriver the driver that must be bound afterwards ({@code ""}: any driver), or
 *     empty when nothing is probed and so nothing can be checked
 */
public record OverridePlan(List<Action> steps, Optional<String> expectedDriver) {

  public OverridePlan {
    steps = List.copyOf(steps);
  }

  /** What the user asked for; {@code driver} is empty to clear the override. */
  public record Request(
      DevicePaths device,
      String driver,
      Optional<String> moduleToLoad,
      boolean probe,
      Optional<String> persistPath,
      String persistedWord) {}

  public static OverridePlan of(DeviceState before, Request r) {
    List<Action> steps = new ArrayList<>();
    r.moduleToLoad().ifPresent(m -> steps.add(new Action.LoadModule(m)));
    String driver = r.driver();
    boolean clearing = driver.isEmpty();
    Optional<String> wanted = clearing ? Optional.empty() : Optional.of(driver);
    // Left alone: a device already on the requested driver, and one with no override to clear
    // (unset-override must not bounce the root disk's controller).
    boolean leaveBinding = clearing ? before.override().isEmpty()
        : !driver.equals(DeviceState.NO_DRIVER) && before.boundTo(driver);
    if (!before.override().equals(wanted)) {
      steps.add(new Action.Write(r.device().driverOverride(), driver));
    }
    Optional<String> expected = Optional.empty();
    if (leaveBinding) {
      expected = before.driver();
    } else {
      String name = r.device().device().name();
      if (before.driver().isPresent()) {
        steps.add(new Action.Write(r.device().unbind(), name));
      }
      if (r.probe() && !driver.equals(DeviceState.NO_DRIVER)) {
        steps.add(new Action.Write(r.device().driversProbe(), name));
        expected = Optional.of(driver);
      }
    }
    r.persistPath().ifPresent(p -> steps.add(clearing ? new Action.Unpersist(p) : new Action.Persist(p, r.persistedWord())));
    return new OverridePlan(steps, expected);
  }

  /**
   * The steps that put a device back as it was after a failed change: its old override, and
   * its old driver bound explicitly through that driver's {@code bind} file.
   */
  public static List<Action.Write> restore(DevicePaths device, DeviceState before, DeviceState now) {
    List<Action.Write> steps = new ArrayList<>();
    Optional<String> override = now.override();
    if (!now.driver().equals(before.driver())) {
      // The old driver binds only while driver_override names it or nothing: the old override
      // may name another driver (set earlier without a rebind), and then it comes last.
      if (before.driver().isPresent()) {
        Optional<String> forBind = before.override().isEmpty() || before.override().equals(before.driver())
            ? before.override() : Optional.empty();
        if (!override.equals(forBind)) {
          steps.add(new Action.Write(device.driverOverride(), forBind.orElse("")));
          override = forBind;
        }
      }
      if (now.driver().isPresent()) {
        steps.add(new Action.Write(device.unbind(), device.device().name()));
      }
      before.driver().ifPresent(d -> steps.add(new Action.Write(device.bind(d), device.device().name())));
    }
    if (!override.equals(before.override())) {
      steps.add(new Action.Write(device.driverOverride(), before.override().orElse("")));
    }
    return steps;
  }
}
