package io.vfioctl.change;

import io.vfioctl.core.Action;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.InvalidNameException;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Log;
import io.vfioctl.core.Names;
import io.vfioctl.core.Settings;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.device.DeviceLocator;
import io.vfioctl.host.GlobalLock;
import io.vfioctl.host.Host;
import io.vfioctl.host.PersistedOverrides;
import io.vfioctl.inuse.DeviceUse;
import io.vfioctl.preflight.Preflight;
import io.vfioctl.preflight.Problem;
import io.vfioctl.resolve.TargetResolver;
import io.vfioctl.sysfs.SysfsReadException;
import java.io.IOException;
import java.util.ArrayList;
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
  private final Planner planner;
  private final NoIommuMode noIommuMode;

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
    this.planner = new Planner(host, settings, log, targets, locator);
    this.noIommuMode = new NoIommuMode(host, settings.safety(), log);
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

  /** Which devices a command acts on: the one named, its IOMMU group, its VFs, or its VFs' groups. */
  public record Scope(boolean group, boolean vfs) {
    public static final Scope ONE = new Scope(false, false);
  }

  /** Makes {@code driver} the driver of {@code device} and, unless {@code --nosave}, saves it. */
  public Outcome set(String device, String driver) throws VfioctlException {
    return set(device, driver, Scope.ONE);
  }

  public Outcome set(String device, String driver, Scope scope) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    String word = validDriver(driver);
    return locked(checks -> change(planner.expand(paths, scope), new Intent.SetOverride(word, settings.save()), checks));
  }

  /** Clears the override, lets the default driver take the device and forgets the saved one. */
  public Outcome unset(String device) throws VfioctlException {
    return unset(device, Scope.ONE);
  }

  public Outcome unset(String device, Scope scope) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    return locked(checks -> change(planner.expand(paths, scope), new Intent.SetOverride("", settings.save()), checks));
  }

  /**
   * {@code detach}: binds the device to {@code driver}, or to its best-fit VFIO driver, without
   * saving anything, and records what it was bound to for {@link #reattach}.
   */
  public Outcome detach(String device, Optional<String> driver, Scope scope) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    String word = driver.isPresent() ? validDriver(driver.get()) : TargetResolver.BEST_VFIO;
    return locked(checks -> change(planner.expand(paths, scope), new Intent.Detach(word), checks));
  }

  /** {@code reattach}: restores what {@link #detach} recorded, or lets the default driver take the device. */
  public Outcome reattach(String device, Scope scope) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    return locked(checks -> change(planner.expand(paths, scope), new Intent.Reattach(), checks));
  }

  /** One device of {@link #detachAll}: its name and the driver word ({@code vfio} for the best fit). */
  public record Detachment(String device, String driver) {}

  /** Detaches several devices, each to its own driver, as one transaction (a domain's hostdevs). */
  public Outcome detachAll(List<Detachment> devices) throws VfioctlException {
    List<Planner.Request> requests = detachments(devices);
    return locked(checks -> change(requests, checks));
  }

  /** Reattaches several devices as one transaction. */
  public Outcome reattachAll(List<String> devices) throws VfioctlException {
    List<Planner.Request> requests = reattachments(devices);
    return locked(checks -> change(requests, checks));
  }

  private List<Planner.Request> detachments(List<Detachment> devices) throws VfioctlException {
    List<Planner.Request> requests = new ArrayList<>();
    for (Detachment d : devices) {
      requests.add(new Planner.Request(locator.locate(d.device()), new Intent.Detach(validDriver(d.driver()))));
    }
    return requests;
  }

  private List<Planner.Request> reattachments(List<String> devices) throws VfioctlException {
    List<Planner.Request> requests = new ArrayList<>();
    for (String d : devices) {
      requests.add(new Planner.Request(locator.locate(d), new Intent.Reattach()));
    }
    return requests;
  }

  /** What a call may do while it holds the lock: transactions with the call's checks, no second lock. */
  public final class Session {
    private final Preflight checks;

    private Session(Preflight checks) {
      this.checks = checks;
    }

    public Outcome detachAll(List<Detachment> devices) throws VfioctlException {
      return change(detachments(devices), checks);
    }

    public Outcome reattachAll(List<String> devices) throws VfioctlException {
      return change(reattachments(devices), checks);
    }

    /**
     * Sets {@code device}'s override to {@code word} ({@code ""} clears it) without saving it;
     * {@code force} waives the in-use checks for this change only (a rule's {@code Force=yes}).
     */
    public Outcome override(String device, String word, Scope scope, boolean force) throws VfioctlException {
      DevicePaths paths = locator.locate(device);
      String valid = word.isEmpty() ? word : validDriver(word);
      return change(planner.expand(paths, scope), new Intent.SetOverride(valid, false), force ? checks.forced() : checks);
    }

    /** Whether this is a dry run: then nothing is written, the records neither. */
    public boolean dryRun() {
      return settings.dryRun();
    }
  }

  /** Work that holds the lock throughout. */
  public interface Work<T> {
    T run(Session session) throws VfioctlException;
  }

  /**
   * Runs {@code work} under the global lock (none in a dry run), after recovery, so that what it
   * reads and writes besides the devices (a domain's list) stays consistent with their moves.
   */
  public <T> T inSession(Work<T> work) throws VfioctlException {
    return locked(checks -> work.run(new Session(checks)));
  }

  /**
   * Applies the saved override of {@code device}. The saved file is read under the lock, so a
   * set-override or unset-override that finishes meanwhile is never undone.
   *
   * @return empty when none is saved (driverctl then exits 1 without a word)
   */
  public Optional<Outcome> load(String device) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    return locked(checks -> loadSaved(paths, checks));
  }

  /**
   * Applies every saved override of the bus under one lock, in one process (the boot path).
   * A device that is not present is skipped; one that fails is reported through {@code failures}
   * and the others are still applied.
   */
  public LoadSummary loadAll(Consumer<String> failures) throws VfioctlException {
    return locked(checks -> {
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
          Optional<Outcome> outcome = loadSaved(paths.get(), checks);
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

  private Optional<Outcome> loadSaved(DevicePaths paths, Preflight checks) throws VfioctlException {
    Optional<String> saved = planner.savedNow(paths);
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
    return Optional.of(change(List.of(paths), new Intent.SetOverride(word, false), checks));
  }

  private static String validDriver(String driver) throws VfioctlException {
    try {
      return Names.requireComponent(driver, "driver");
    } catch (InvalidNameException e) {
      throw new VfioctlException(e.getMessage());
    }
  }

  /** A call's work, given the checks of that call. */
  private interface Call<T> {
    T run(Preflight checks) throws VfioctlException;
  }

  private interface Locked<T> {
    T run() throws VfioctlException;
  }

  /**
   * Runs {@code action} holding the global lock, after rolling back what an interrupted call
   * left (so that no change starts from a half-made state); a dry run changes nothing and takes
   * no lock. The checks look once at what the host uses, then, for the whole call (load-override
   * --all's many devices): moving one device takes only that device's interfaces and disks away.
   */
  private <T> T locked(Call<T> action) throws VfioctlException {
    if (settings.dryRun()) {
      return action.run(new Preflight(host, new DeviceUse(host), settings.safety()));
    }
    return withLock(() -> {
      new Recovery(host, log, restorer).run();
      return action.run(new Preflight(host, new DeviceUse(host), settings.safety()));
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

  /**
   * Plans every device's move, checks them all, then carries them out as one transaction; the
   * caller holds the lock (or it is a dry run).
   */
  private Outcome change(List<DevicePaths> devices, Intent intent, Preflight checks) throws VfioctlException {
    List<Planner.Request> requests = new ArrayList<>();
    devices.forEach(d -> requests.add(new Planner.Request(d, intent)));
    return change(requests, checks);
  }

  private Outcome change(List<Planner.Request> requests, Preflight checks) throws VfioctlException {
    // Planned first without loading any module, so that a refusal leaves the host untouched
    // (loading a host driver's module binds every unbound device it matches).
    List<Planner.Planned> planned = planner.planAll(requests, false);
    List<Planner.Planned> changing = changing(planned);
    List<Preflight.Subject> subjects = subjects(changing);
    refuseOrWarn(checks.moves(subjects));
    checks.groups(subjects, log);
    if (!settings.dryRun() && planned.stream().anyMatch(p -> p.move().steps().stream()
        .anyMatch(a -> a instanceof Action.LoadModule))) {
      // Once loaded, a module's driver has its real name: planned again with it.
      planned = planner.planAll(requests, true);
      changing = changing(planned);
      refuseOrWarn(checks.moves(subjects(changing)));
    }
    planned.forEach(p -> p.notes().replayTo(log));
    Optional<Action.Write> noIommu = noIommuMode.needed(changing);
    if (settings.dryRun()) {
      noIommu.ifPresent(log::action);
      planned.forEach(p -> p.move().steps().forEach(log::action));
      planned.forEach(p -> p.move().afterwards().forEach(log::action));
      return changing.isEmpty() ? Outcome.ALREADY_IN_EFFECT : Outcome.CHANGED;
    }
    if (changing.isEmpty()) {
      for (Planner.Planned p : planned) {
        log.debug(p.move().paths().device() + " is already bound as asked; nothing to do");
      }
      forgetSpent(planned);
      return Outcome.ALREADY_IN_EFFECT;
    }
    List<Move> moves = changing.stream().map(Planner.Planned::move).toList();
    noIommuMode.around(noIommu,
        () -> new Transaction(host, log, interruption, restorer, targets, settings.owner().get()).run(moves));
    forgetSpent(planned.stream().filter(p -> !p.move().changes()).toList());
    warnSaved(requests.stream().filter(r -> r.intent() instanceof Intent.Reattach).map(Planner.Request::paths).toList());
    return Outcome.CHANGED;
  }

  private static List<Planner.Planned> changing(List<Planner.Planned> planned) {
    return planned.stream().filter(p -> p.move().changes()).toList();
  }

  private static List<Preflight.Subject> subjects(List<Planner.Planned> planned) {
    return planned.stream().map(Planner.Planned::subject).toList();
  }

  /** A change is refused on the first problem that refuses; those before it are warnings. */
  private void refuseOrWarn(List<Problem> problems) throws VfioctlException {
    for (Problem p : problems) {
      if (p.refuses()) {
        throw new Refused(p);
      }
      log.warn(p.text());
    }
  }

  /** A record that names the state its device is already in has done its work (a reattach cut short after the move). */
  private void forgetSpent(List<Planner.Planned> unchanged) {
    for (Planner.Planned p : unchanged) {
      Move m = p.move();
      boolean spent = m.recordBefore().isPresent() && (m.recordBefore().get().equals(m.before())
          || m.afterwards().stream().anyMatch(a -> a instanceof Action.ForgetOriginal));
      if (spent && !settings.dryRun()) {
        try {
          host.detached().remove(m.paths().device());
        } catch (IOException e) {
          log.warn("cannot remove " + host.detached().displayPath(m.paths().device()) + ": " + IoErrors.describe(e));
        }
      }
    }
  }

  private void warnSaved(List<DevicePaths> devices) throws VfioctlException {
    for (DevicePaths d : devices) {
      Optional<String> saved = planner.savedNow(d);
      if (saved.isPresent()) {
        log.warn("a saved override binds " + d.device() + " to " + Names.printable(saved.get()) + " again at the next"
            + " boot; 'vfioctl unset-override " + d.device().name() + "' forgets it");
      }
    }
  }
}
