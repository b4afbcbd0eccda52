package io.vfioctl.ops;

import io.vfioctl.core.Action;
import io.vfioctl.core.ChangeRecord;
import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.core.InvalidNameException;
import io.vfioctl.core.Names;
import io.vfioctl.core.OverridePlan;
import io.vfioctl.host.GlobalLock;
import io.vfioctl.host.Host;
import io.vfioctl.host.ModuleLoadException;
import io.vfioctl.host.PersistedOverrides;
import io.vfioctl.sysfs.SysfsReadException;
import io.vfioctl.sysfs.SysfsWriteException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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
  private final Interruption interruption;
  private final Restorer restorer;

  public OverrideEngine(Host host, Settings settings, Log log, TargetResolver targets) {
    this(host, settings, log, targets, new Interruption());
  }

  /** @param interruption how a signal asks a change in progress to roll back */
  public OverrideEngine(Host host, Settings settings, Log log, TargetResolver targets, Interruption interruption) {
    this.host = host;
    this.settings = settings;
    this.log = log;
    this.targets = targets;
    this.locator = new DeviceLocator(host, settings);
    this.interruption = interruption;
    this.restorer = new Restorer(host, log);
  }

  /** What a change did: moved the device, or found it already as asked (nothing written). */
  public enum Outcome { CHANGED, ALREADY_IN_EFFECT }

  /** The tally of {@link #loadAll}. */
  public record LoadSummary(int applied, int alreadyInEffect, int failed, int absent) {
    @Override
    public String toString() {
      return applied + " applied, " + alreadyInEffect + " already in effect, " + failed + " failed, " + absent + " absent";
    }
  }

  /** Makes {@code driver} the driver of {@code device} and, unless {@code --nosave}, saves it. */
  public Outcome set(String device, String driver) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    String word = validDriver(driver);
    return locked(() -> apply(paths, word, settings.save()));
  }

  /** Clears the override, lets the default driver take the device and forgets the saved one. */
  public Outcome unset(String device) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    return locked(() -> apply(paths, "", settings.save()));
  }

  /**
   * Applies the saved override of {@code device}. The saved file is read under the lock, so a
   * set-override or unset-override that finishes meanwhile is never undone.
   *
   * @return empty when none is saved (driverctl then exits 1 without a word)
   */
  public Optional<Outcome> load(String device) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    return locked(() -> loadSaved(paths));
  }

  /**
   * Applies every saved override of the bus under one lock, in one process (the boot path).
   * A device that is not present is skipped; one that fails is reported through {@code failures}
   * and the others are still applied.
   */
  public LoadSummary loadAll(Consumer<String> failures) throws VfioctlException {
    return locked(() -> {
      int applied = 0;
      int unchanged = 0;
      int failed = 0;
      int absent = 0;
      for (PersistedOverrides.Entry entry : savedEntries()) {
        try {
          Optional<DevicePaths> paths = locator.locateIfPresent(entry.device());
          if (paths.isEmpty()) {
            absent++;
            log.debug("skipping " + entry.device() + ": no such device");
            continue;
          }
          Optional<Outcome> outcome = loadSaved(paths.get());
          if (outcome.orElse(Outcome.ALREADY_IN_EFFECT) == Outcome.CHANGED) {
            applied++;
          } else {
            unchanged++;
          }
        } catch (VfioctlException | SysfsReadException e) {
          failed++;
          failures.accept(e.getMessage());
        }
      }
      return new LoadSummary(applied, unchanged, failed, absent);
    });
  }

  private List<PersistedOverrides.Entry> savedEntries() throws VfioctlException {
    try {
      return host.persisted().list(settings.bus());
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + Host.CONF_DIR + ": " + IoErrors.describe(e));
    }
  }

  private Optional<Outcome> loadSaved(DevicePaths paths) throws VfioctlException {
    Optional<String> saved;
    try {
      saved = host.persisted().read(paths.device());
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + host.persisted().displayPath(paths.device()) + ": " + IoErrors.describe(e));
    }
    if (saved.isEmpty()) {
      return Optional.empty();
    }
    String word;
    try {
      word = Names.requireComponent(saved.get(), "driver");
    } catch (InvalidNameException e) {
      throw new VfioctlException(host.persisted().displayPath(paths.device()) + ": " + e.getMessage()
          + "; fix or remove the file");
    }
    return Optional.of(apply(paths, word, false));
  }

  private static String validDriver(String driver) throws VfioctlException {
    try {
      return Names.requireComponent(driver, "driver");
    } catch (InvalidNameException e) {
      throw new VfioctlException(e.getMessage());
    }
  }

  private DeviceState state(DevicePaths paths) {
    return Restorer.state(host, paths);
  }

  private interface Locked<T> {
    T run() throws VfioctlException;
  }

  /**
   * Runs {@code action} holding the global lock, after rolling back what an interrupted call
   * left (so that no change starts from a half-made state); a dry run changes nothing and takes
   * no lock.
   */
  private <T> T locked(Locked<T> action) throws VfioctlException {
    if (settings.dryRun()) {
      return action.run();
    }
    return withLock(() -> {
      new Recovery(host, log, restorer).run();
      return action.run();
    });
  }

  /** {@code vfioctl recover}: rolls back what interrupted calls left and reports it. */
  public Recovery.Report recover() throws VfioctlException {
    return withLock(() -> new Recovery(host, log, restorer).run());
  }

  private <T> T withLock(Locked<T> action) throws VfioctlException {
    try (GlobalLock lock = host.lock(settings.lockWait(), settings.command(),
        holder -> log.warn("waiting for " + holder + " to finish"))) {
      return action.run();
    } catch (GlobalLock.TimeoutException e) {
      throw new VfioctlException(e.getMessage() + "; it is probably stuck in a sysfs write (its own message says which);"
          + " try again later");
    } catch (IOException e) {
      throw new VfioctlException("cannot lock " + Host.LOCK_FILE + ": " + IoErrors.describe(e));
    }
  }

  /** Moves the device to {@code word}'s driver; the caller holds the lock (or is a dry run). */
  private Outcome apply(DevicePaths paths, String word, boolean save) throws VfioctlException {
    DeviceName name = paths.device();
    Target target = word.isEmpty() ? Target.CLEAR : targets.resolve(paths, word);
    if (target.driver().isEmpty() || target.driver().equals(DeviceState.NO_DRIVER)) {
      log.debug("unsetting driver override for " + name);
    } else {
      log.debug("setting driver override for " + name + ": " + target.driver());
    }
    if (settings.dryRun()) {
      List<Action> steps = plan(paths, target, word, save, state(paths)).steps();
      steps.forEach(log::action);
      return steps.isEmpty() ? Outcome.ALREADY_IN_EFFECT : Outcome.CHANGED;
    }
    loadModule(paths, target, word);
    Target confirmed = targets.confirm(target, word);
    DeviceState before = state(paths);
    OverridePlan plan = plan(paths, confirmed, word, save, before);
    if (plan.steps().stream().allMatch(step -> step instanceof Action.LoadModule)) {
      log.debug(name + " is already bound as asked; nothing to do");
      return Outcome.ALREADY_IN_EFFECT;
    }
    refuseIfHeld(paths, plan);
    DeviceState goal = new DeviceState(confirmed.driver().isEmpty() ? Optional.empty() : Optional.of(confirmed.driver()),
        plan.expectedDriver());
    journaled(paths, before, goal, savedBefore -> run(paths, plan, before, savedBefore, confirmed));
    return Outcome.CHANGED;
  }

  /** A VFIO-bound device that a process holds would block the unbind until it lets go. */
  private void refuseIfHeld(DevicePaths paths, OverridePlan plan) throws VfioctlException {
    boolean unbinds = plan.steps().stream().anyMatch(s -> s instanceof Action.Write w && w.path().equals(paths.unbind()));
    if (!unbinds) {
      return;
    }
    Optional<String> holder = new VfioUsers(host).holder(paths);
    if (holder.isPresent()) {
      throw new VfioctlException(paths.device() + " is in use by " + holder.get() + "; unbinding it would wait until"
          + " that process lets go: stop it (shut the guest down, or detach the device from it) first");
    }
  }

  private interface Change {
    void run(Optional<String> savedBefore) throws RolledBack, Interruption.Requested;
  }

  /**
   * Runs a change with its journal entry in place: written before the first write, removed once
   * the change completed or was rolled back. Whatever stops the change midway (a signal, an
   * internal error) rolls it back first; only a process killed outright leaves the entry, for
   * the next call to recover.
   */
  private void journaled(DevicePaths paths, DeviceState before, DeviceState target, Change change)
      throws VfioctlException {
    if (journalHas(paths)) {
      throw new VfioctlException("an interrupted change of " + paths.device() + " is not rolled back yet; run 'vfioctl"
          + " recover' first (it says why it could not)");
    }
    Optional<String> savedBefore = savedNow(paths);
    try {
      interruption.enter();
    } catch (Interruption.Requested e) {
      throw new VfioctlException("interrupted by a signal before changing " + paths.device() + "; nothing changed");
    }
    try {
      try {
        host.journal().begin(new ChangeRecord(paths.device(), paths.dir(), before, savedBefore, target, settings.owner().get()));
      } catch (IOException e) {
        throw new VfioctlException("cannot write the journal under " + Host.JOURNAL_DIR + ": "
            + IoErrors.describe(e) + "; nothing changed");
      }
      try {
        change.run(savedBefore);
      } catch (Interruption.Requested e) {
        RolledBack reported = rollBack(paths, before, savedBefore, "interrupted by a signal while changing " + paths.device());
        // Said at once: once this change is over, the signal's handler lets the JVM exit.
        log.warn(reported.getMessage());
        reported.markReported();
        throw endJournal(paths, reported);
      } catch (SysfsReadException e) {
        throw endJournal(paths, rollBack(paths, before, savedBefore, e.getMessage()));
      } catch (RuntimeException e) {
        throw endJournal(paths, rollBack(paths, before, savedBefore, "internal error while changing " + paths.device()
            + " (" + e + ")", e));
      } catch (RolledBack e) {
        throw endJournal(paths, e);
      }
      endJournal(paths);
    } finally {
      interruption.leave();
    }
  }

  /** A rolled-back change is over; one that could not be restored stays for recovery to retry. */
  private RolledBack endJournal(DevicePaths paths, RolledBack failure) {
    if (failure.complete) {
      endJournal(paths);
    }
    return failure;
  }

  private void endJournal(DevicePaths paths) {
    try {
      host.journal().end(paths.device());
    } catch (IOException e) {
      log.warn("cannot remove the journal entry of " + paths.device() + ": " + IoErrors.describe(e)
          + "; the next call will roll this change back");
    }
  }

  private boolean journalHas(DevicePaths paths) throws VfioctlException {
    try {
      return host.journal().has(paths.device());
    } catch (IOException e) {
      throw new VfioctlException("cannot read the journal under " + Host.JOURNAL_DIR + ": " + IoErrors.describe(e));
    }
  }

  private Optional<String> savedNow(DevicePaths paths) throws VfioctlException {
    try {
      return host.persisted().read(paths.device());
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + host.persisted().displayPath(paths.device()) + ": " + IoErrors.describe(e));
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

  private void run(DevicePaths paths, OverridePlan plan, DeviceState before, Optional<String> savedBefore, Target target)
      throws RolledBack, Interruption.Requested {
    DeviceName name = paths.device();
    boolean verified = false;
    for (Action step : plan.steps()) {
      if (step instanceof Action.LoadModule) {
        continue;
      }
      if (!verified && (step instanceof Action.Persist || step instanceof Action.Unpersist)) {
        verify(paths, plan, before, savedBefore, target);
        verified = true;
      }
      interruption.checkpoint();
      log.action(step);
      try {
        perform(step, paths);
      } catch (SysfsWriteException e) {
        throw rollBack(paths, before, savedBefore, describeFailure(paths, e));
      } catch (IOException e) {
        throw rollBack(paths, before, savedBefore, "cannot save override for " + name + ": " + IoErrors.describe(e));
      }
    }
    if (!verified) {
      verify(paths, plan, before, savedBefore, target);
    }
  }

  private void verify(DevicePaths paths, OverridePlan plan, DeviceState before, Optional<String> savedBefore, Target target)
      throws RolledBack {
    if (plan.expectedDriver().isEmpty()) {
      return;
    }
    String expected = plan.expectedDriver().get();
    DeviceState now = state(paths);
    boolean ok = expected.isEmpty() ? now.driver().isPresent() : now.boundTo(expected);
    if (!ok && expected.isEmpty() && now.driver().isEmpty() && targets.noHostDriverFor(paths)) {
      log.warn("no host driver can claim " + paths.device() + " (no pci: alias of the kernel's modules matches it);"
          + " it stays unbound");
      return;
    }
    if (!ok) {
      String why = now.driver().map(d -> "bound to " + d + " instead").orElse("no driver took it");
      String to = target.driver().isEmpty() ? "its default driver" : "driver " + target.driver();
      throw rollBack(paths, before, savedBefore, "failed to bind device " + paths.device() + " to " + to + " (" + why + ")");
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

  /** A failed change, rolled back: {@code complete} when the device is as it was before. */
  private static final class RolledBack extends VfioctlException {
    private static final long serialVersionUID = 1L;
    final boolean complete;

    RolledBack(String message, int exitCode, boolean complete) {
      super(message, exitCode);
      this.complete = complete;
    }
  }

  /** Puts the device and its saved file back as they were and returns the exception that reports both. */
  private RolledBack rollBack(DevicePaths paths, DeviceState before, Optional<String> savedBefore, String failure) {
    Restorer.Result result = restorer.restore(paths, before, Optional.of(savedBefore));
    return new RolledBack(failure + "; " + result.text(), 1, result.complete());
  }

  /** As above, for a failure of vfioctl itself: exit code 70, and the cause for {@code --verbose}. */
  private RolledBack rollBack(DevicePaths paths, DeviceState before, Optional<String> savedBefore, String failure,
      RuntimeException cause) {
    Restorer.Result result = restorer.restore(paths, before, Optional.of(savedBefore));
    RolledBack e = new RolledBack(failure + "; " + result.text(), VfioctlException.INTERNAL_ERROR, result.complete());
    e.initCause(cause);
    return e;
  }
}
