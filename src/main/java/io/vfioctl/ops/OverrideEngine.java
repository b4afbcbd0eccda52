package io.vfioctl.ops;

import io.vfioctl.core.Action;
import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.core.InvalidNameException;
import io.vfioctl.core.Names;
import io.vfioctl.core.OverridePlan;
import io.vfioctl.host.GlobalLock;
import io.vfioctl.host.Host;
import io.vfioctl.host.ModuleLoadException;
import io.vfioctl.sysfs.Sysfs;
import io.vfioctl.sysfs.SysfsWriteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * driverctl's set-override, unset-override and load-override, done transactionally: every
 * argument is checked before anything is touched, the override is written before the device is
 * unbound, and a device that does not end up where it was asked to go is put back as it was.
 */
public final class OverrideEngine {
  private final Host host;
  private final Settings settings;
  private final Log log;
  private final TargetResolver targets;
  private final DeviceLocator locator;

  public OverrideEngine(Host host, Settings settings, Log log, TargetResolver targets) {
    this.host = host;
    this.settings = settings;
    this.log = log;
    this.targets = targets;
    this.locator = new DeviceLocator(host, settings);
  }

  /** Makes {@code driver} the driver of {@code device} and, unless {@code --nosave}, saves it. */
  public void set(String device, String driver) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    String word = validDriver(driver);
    apply(paths, word, settings.save());
  }

  /** Clears the override, lets the default driver take the device and forgets the saved one. */
  public void unset(String device) throws VfioctlException {
    apply(locator.locate(device), "", settings.save());
  }

  /**
   * Applies the saved override of {@code device}.
   *
   * @return false when none is saved (driverctl then exits 1 without a word)
   */
  public boolean load(String device) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    Optional<String> saved;
    try {
      saved = host.persisted().read(paths.device());
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + host.persisted().displayPath(paths.device()) + ": " + IoErrors.describe(e));
    }
    if (saved.isEmpty()) {
      return false;
    }
    String word;
    try {
      word = Names.requireComponent(saved.get(), "driver");
    } catch (InvalidNameException e) {
      throw new VfioctlException(host.persisted().displayPath(paths.device()) + ": " + e.getMessage()
          + "; fix or remove the file");
    }
    apply(paths, word, false);
    return true;
  }

  private static String validDriver(String driver) throws VfioctlException {
    try {
      return Names.requireComponent(driver, "driver");
    } catch (InvalidNameException e) {
      throw new VfioctlException(e.getMessage());
    }
  }

  private DeviceState state(DevicePaths paths) {
    Sysfs sysfs = host.sysfs();
    return new DeviceState(
        sysfs.read(paths.driverOverride()).flatMap(DeviceState::parseOverride),
        sysfs.linkName(paths.driverLink()));
  }

  private void apply(DevicePaths paths, String word, boolean save) throws VfioctlException {
    DeviceName name = paths.device();
    Target target = word.isEmpty() ? Target.CLEAR : targets.resolve(paths, word);
    if (target.driver().isEmpty() || target.driver().equals(DeviceState.NO_DRIVER)) {
      log.debug("unsetting driver override for " + name);
    } else {
      log.debug("setting driver override for " + name + ": " + target.driver());
    }
    if (settings.dryRun()) {
      for (Action a : plan(paths, target, word, save, state(paths)).steps()) {
        log.action(a);
      }
      return;
    }
    try (GlobalLock lock = host.lock()) {
      loadModule(paths, target, word);
      target = targets.confirm(target, word);
      DeviceState before = state(paths);
      OverridePlan plan = plan(paths, target, word, save, before);
      run(paths, plan, before, target);
    } catch (IOException e) {
      throw new VfioctlException("cannot lock " + Host.LOCK_FILE + ": " + IoErrors.describe(e));
    }
  }

  private OverridePlan plan(DevicePaths paths, Target target, String word, boolean save, DeviceState before) {
    Optional<String> persist = save ? Optional.of(host.persisted().displayPath(paths.device())) : Optional.empty();
    return OverridePlan.of(before, new OverridePlan.Request(
        paths, target.driver(), target.moduleToLoad(), settings.probe(), persist, word));
  }

  private void loadModule(DevicePaths paths, Target target, String word) throws VfioctlException {
    if (target.moduleToLoad().isEmpty()) {
      return;
    }
    String module = target.moduleToLoad().get();
    log.action(new Action.LoadModule(module));
    log.debug("loading driver " + module + (host.modules().isLive() ? "" : " (recorded only: root is not /)"));
    try {
      host.modules().load(module);
    } catch (ModuleLoadException e) {
      throw new VfioctlException(targets.moduleRefused(paths, word, module, e.getMessage()));
    }
  }

  private void run(DevicePaths paths, OverridePlan plan, DeviceState before, Target target) throws VfioctlException {
    DeviceName name = paths.device();
    boolean verified = false;
    for (Action step : plan.steps()) {
      if (step instanceof Action.LoadModule) {
        continue;
      }
      if (!verified && (step instanceof Action.Persist || step instanceof Action.Unpersist)) {
        verify(paths, plan, before, target);
        verified = true;
      }
      log.action(step);
      try {
        perform(step, paths);
      } catch (SysfsWriteException e) {
        throw rollBack(paths, before, describeFailure(paths, e));
      } catch (IOException e) {
        throw rollBack(paths, before, "cannot save override for " + name + ": " + IoErrors.describe(e));
      }
    }
    if (!verified) {
      verify(paths, plan, before, target);
    }
  }

  private void verify(DevicePaths paths, OverridePlan plan, DeviceState before, Target target) throws VfioctlException {
    if (plan.expectedDriver().isEmpty()) {
      return;
    }
    String expected = plan.expectedDriver().get();
    DeviceState now = state(paths);
    boolean ok = expected.isEmpty() ? now.driver().isPresent() : now.boundTo(expected);
    if (!ok) {
      String why = now.driver().map(d -> "bound to " + d + " instead").orElse("no driver took it");
      String to = target.driver().isEmpty() ? "its default driver" : "driver " + target.driver();
      throw rollBack(paths, before, "failed to bind device " + paths.device() + " to " + to + " (" + why + ")");
    }
  }

  private void perform(Action step, DevicePaths paths) throws SysfsWriteException, IOException {
    if (step instanceof Action.Write w) {
      if (w.path().equals(paths.unbind())) {
        log.debug("unbinding previous driver " + state(paths).driver().orElse("(none)"));
      } else if (w.path().equals(paths.driversProbe())) {
        log.debug("reprobing driver for " + paths.device());
      }
      host.sysfs().write(w.path(), w.value());
    } else if (step instanceof Action.Persist p) {
      log.debug("saving driver override for " + paths.device());
      host.persisted().write(paths.device(), p.driver());
    } else if (step instanceof Action.Unpersist) {
      log.debug("saving driver override for " + paths.device());
      host.persisted().remove(paths.device());
    }
  }

  private String describeFailure(DevicePaths paths, SysfsWriteException e) {
    if (e.path().equals(paths.unbind())) {
      return "unbinding " + paths.device() + " failed: " + e.getMessage();
    }
    return e.getMessage();
  }

  /** Puts the device back as {@code before} and returns the exception that reports both. */
  private VfioctlException rollBack(DevicePaths paths, DeviceState before, String failure) {
    List<String> problems = new ArrayList<>();
    for (Action.Write step : OverridePlan.restore(paths, before, state(paths))) {
      log.action(step);
      try {
        host.sysfs().write(step.path(), step.value());
      } catch (SysfsWriteException e) {
        problems.add(e.getMessage());
      }
    }
    DeviceState after = state(paths);
    if (!after.driver().equals(before.driver()) && before.driver().isPresent() && after.driver().isEmpty()) {
      Action probe = new Action.Write(paths.driversProbe(), paths.device().name());
      log.action(probe);
      try {
        host.sysfs().write(paths.driversProbe(), paths.device().name());
      } catch (SysfsWriteException e) {
        problems.add(e.getMessage());
      }
      after = state(paths);
    }
    String outcome;
    if (after.equals(before)) {
      outcome = before.driver().map(d -> "; restored driver " + d).orElse("; device left unbound as before");
    } else {
      outcome = "; COULD NOT RESTORE " + after.differencesFrom(before) + (problems.isEmpty() ? "" : ": " + problems.get(0));
    }
    return new VfioctlException(failure + outcome);
  }
}
