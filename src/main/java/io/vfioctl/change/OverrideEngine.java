package io.vfioctl.change;

import io.vfioctl.device.Bindings;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.core.Log;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Settings;
import io.vfioctl.device.DeviceLocator;
import io.vfioctl.device.Sriov;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.inuse.DeviceUse;
import io.vfioctl.inuse.VfioUsers;
import io.vfioctl.resolve.TargetResolver;
import io.vfioctl.resolve.Target;

import io.vfioctl.core.Action;
import io.vfioctl.core.GroupMember;
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
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
  private final IommuGroups groups;
  private final Sriov sriov;
  /** What the host uses, as seen at the start of the call under way. */
  private DeviceUse use;

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
    this.groups = new IommuGroups(host);
    this.sriov = new Sriov(host);
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

  /** What a command asks of each device. */
  private sealed interface Intent {}

  /** driverctl's override: {@code word} names a driver, {@code vfio} or nothing ({@code ""}: clear it). */
  private record SetOverride(String word, boolean save) implements Intent {}

  /** Hands the device to {@code word}'s driver, recording where it came from; saves nothing. */
  private record Detach(String word) implements Intent {}

  /** Returns the device to what detach recorded, or to its default driver. */
  private record Reattach() implements Intent {}

  /** Makes {@code driver} the driver of {@code device} and, unless {@code --nosave}, saves it. */
  public Outcome set(String device, String driver) throws VfioctlException {
    return set(device, driver, Scope.ONE);
  }

  public Outcome set(String device, String driver, Scope scope) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    String word = validDriver(driver);
    return locked(() -> change(expand(paths, scope), new SetOverride(word, settings.save())));
  }

  /** Clears the override, lets the default driver take the device and forgets the saved one. */
  public Outcome unset(String device) throws VfioctlException {
    return unset(device, Scope.ONE);
  }

  public Outcome unset(String device, Scope scope) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    return locked(() -> change(expand(paths, scope), new SetOverride("", settings.save())));
  }

  /**
   * {@code detach}: binds the device to {@code driver}, or to its best-fit VFIO driver, without
   * saving anything, and records what it was bound to for {@link #reattach}.
   */
  public Outcome detach(String device, Optional<String> driver, Scope scope) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    String word = driver.isPresent() ? validDriver(driver.get()) : TargetResolver.BEST_VFIO;
    return locked(() -> change(expand(paths, scope), new Detach(word)));
  }

  /** {@code reattach}: restores what {@link #detach} recorded, or lets the default driver take the device. */
  public Outcome reattach(String device, Scope scope) throws VfioctlException {
    DevicePaths paths = locator.locate(device);
    return locked(() -> change(expand(paths, scope), new Reattach()));
  }

  /** One device of {@link #detachAll}: its name and the driver word ({@code vfio} for the best fit). */
  public record Detachment(String device, String driver) {}

  /** Detaches several devices, each to its own driver, as one transaction (a domain's hostdevs). */
  public Outcome detachAll(List<Detachment> devices) throws VfioctlException {
    List<Request> requests = new ArrayList<>();
    for (Detachment d : devices) {
      requests.add(new Request(locator.locate(d.device()), new Detach(validDriver(d.driver()))));
    }
    return locked(() -> change(requests));
  }

  /** Reattaches several devices as one transaction. */
  public Outcome reattachAll(List<String> devices) throws VfioctlException {
    List<Request> requests = new ArrayList<>();
    for (String d : devices) {
      requests.add(new Request(locator.locate(d), new Reattach()));
    }
    return locked(() -> change(requests));
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
    return Optional.of(change(List.of(paths), new SetOverride(word, false)));
  }

  private static String validDriver(String driver) throws VfioctlException {
    try {
      return Names.requireComponent(driver, "driver");
    } catch (InvalidNameException e) {
      throw new VfioctlException(e.getMessage());
    }
  }

  private DeviceState state(DevicePaths paths) {
    return Bindings.current(host, paths);
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
      use = new DeviceUse(host);
      return action.run();
    }
    return withLock(() -> {
      new Recovery(host, log, restorer).run();
      // One look at what the host uses serves the whole call (load-override --all's many devices):
      // moving one device takes only that device's interfaces and disks away.
      use = new DeviceUse(host);
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

  /** A VFIO-bound device that a process holds would block the unbind until it lets go. */
  private void refuseIfHeld(DevicePaths paths) throws VfioctlException {
    Optional<String> holder = new VfioUsers(host).holder(paths);
    if (holder.isPresent()) {
      throw new VfioctlException(paths.device() + " is in use by " + holder.get() + "; unbinding it would wait until"
          + " that process lets go: stop it (shut the guest down, or detach the device from it) first");
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

  private void loadModule(DevicePaths paths, Target target, String word, Log notes) throws VfioctlException {
    if (target.moduleToLoad().isEmpty()) {
      return;
    }
    String module = target.moduleToLoad().get();
    notes.action(new Action.LoadModule(module));
    notes.debug("loading driver " + module + (host.modules().isLive() ? "" : " (recorded only: root is not /)"));
    try {
      host.modules().load(module);
    } catch (ModuleLoadException e) {
      throw new VfioctlException(targets.moduleRefused(paths, word, module, e.getMessage()));
    }
  }


  /**
   * The devices a command acts on: {@code device} itself, or its VFs ({@code --vfs}), each with
   * the other endpoints of its IOMMU group ({@code --group}); in address order, each once.
   */
  private List<DevicePaths> expand(DevicePaths device, Scope scope) throws VfioctlException {
    List<DevicePaths> base = List.of(device);
    if (scope.vfs()) {
      List<String> vfs = sriov.virtfns(device.dir());
      if (vfs.isEmpty()) {
        throw new VfioctlException(device.device() + " has no VFs (its sriov_numvfs is 0 or absent), so --vfs has"
            + " nothing to act on");
      }
      base = new ArrayList<>();
      for (String vf : vfs) {
        base.add(locator.locate(vf));
      }
    }
    if (!scope.group()) {
      return base;
    }
    TreeMap<String, DevicePaths> all = new TreeMap<>();
    for (DevicePaths d : base) {
      IommuGroups.Group group = groups.of(d).orElseThrow(() -> new VfioctlException(d.device()
          + " has no IOMMU group, so --group has nothing to act on"));
      for (GroupMember m : group.endpoints()) {
        all.put(m.device(), m.device().equals(d.device().name()) ? d : locator.locate(m.device()));
      }
    }
    return List.copyOf(all.values());
  }

  /**
   * Plans every device's move, checks them all, then carries them out as one transaction; the
   * caller holds the lock (or it is a dry run).
   */
  private Outcome change(List<DevicePaths> devices, Intent intent) throws VfioctlException {
    List<Request> requests = new ArrayList<>();
    devices.forEach(d -> requests.add(new Request(d, intent)));
    return change(requests);
  }

  /** One device of a change and what is asked of it. */
  private record Request(DevicePaths paths, Intent intent) {}

  private Outcome change(List<Request> requests) throws VfioctlException {
    // Planned first without loading any module, so that a refusal leaves the host untouched
    // (loading a host driver's module binds every unbound device it matches).
    List<Planned> planned = planAll(requests, false);
    List<Planned> changing = planned.stream().filter(p -> p.move().changes()).toList();
    refuseUnsafe(changing);
    reportGroups(changing);
    if (!settings.dryRun() && planned.stream().anyMatch(p -> p.move().steps().stream()
        .anyMatch(a -> a instanceof Action.LoadModule))) {
      // Once loaded, a module's driver has its real name: planned again with it.
      planned = planAll(requests, true);
      changing = planned.stream().filter(p -> p.move().changes()).toList();
      refuseUnsafe(changing);
    }
    planned.forEach(p -> p.notes().replayTo(log));
    Optional<Action.Write> noIommu = noIommuMode(changing);
    if (settings.dryRun()) {
      noIommu.ifPresent(log::action);
      planned.forEach(p -> p.move().steps().forEach(log::action));
      planned.forEach(p -> p.move().afterwards().forEach(log::action));
      return changing.isEmpty() ? Outcome.ALREADY_IN_EFFECT : Outcome.CHANGED;
    }
    if (changing.isEmpty()) {
      for (Planned p : planned) {
        log.debug(p.move().paths().device() + " is already bound as asked; nothing to do");
      }
      new Transaction(host, log, interruption, restorer, targets, settings.owner().get()).run(List.of());
      forgetSpent(planned);
      return Outcome.ALREADY_IN_EFFECT;
    }
    List<Move> moves = changing.stream().map(Planned::move).toList();
    withNoIommuMode(noIommu, () -> {
      new Transaction(host, log, interruption, restorer, targets, settings.owner().get()).run(moves);
      return null;
    });
    forgetSpent(planned.stream().filter(p -> !p.move().changes()).toList());
    warnSaved(requests.stream().filter(r -> r.intent() instanceof Reattach).map(Request::paths).toList());
    return Outcome.CHANGED;
  }

  /** A move and what the checks need to know of it. */
  private record Planned(Move move, boolean toVfio, Optional<IommuGroups.Group> group, BufferedLog notes) {}

  private List<Planned> planAll(List<Request> requests, boolean load) throws VfioctlException {
    List<Planned> planned = new ArrayList<>();
    for (Request r : requests) {
      planned.add(plan(r.paths(), r.intent(), load));
    }
    return planned;
  }

  /** @param load whether to load the target's module now (and say what is set, for --verbose) */
  private Planned plan(DevicePaths paths, Intent intent, boolean load) throws VfioctlException {
    if (intent instanceof Reattach) {
      return new Planned(planReattach(paths), false, Optional.empty(), new BufferedLog());
    }
    String word = intent instanceof SetOverride o ? o.word() : ((Detach) intent).word();
    boolean save = intent instanceof SetOverride o && o.save();
    BufferedLog notes = new BufferedLog();
    TargetResolver resolver = targets.withLog(notes);
    Target target = word.isEmpty() ? Target.CLEAR : resolver.resolve(paths, word);
    if (target.driver().isEmpty() || target.driver().equals(DeviceState.NO_DRIVER)) {
      notes.debug("unsetting driver override for " + paths.device());
    } else {
      notes.debug("setting driver override for " + paths.device() + ": " + target.driver());
    }
    if (load) {
      loadModule(paths, target, word, notes);
      target = resolver.confirm(target, word);
    }
    DeviceState before = state(paths);
    OverridePlan plan = plan(paths, target, word, save, before);
    boolean toVfio = word.equals(TargetResolver.BEST_VFIO) || GroupMember.isVfioDriver(target.driver());
    List<Action> steps = new ArrayList<>(plan.steps());
    Optional<DeviceState> record = recorded(paths);
    if (intent instanceof Detach && record.isEmpty() && steps.stream().anyMatch(a -> !(a instanceof Action.LoadModule))) {
      steps.add(firstWrite(steps), new Action.RecordOriginal(host.detached().displayPath(paths.device()), before));
    }
    Optional<IommuGroups.Group> group = toVfio ? groups.of(paths) : Optional.empty();
    DeviceState goal = new DeviceState(target.driver().isEmpty() ? Optional.empty() : Optional.of(target.driver()),
        plan.expectedDriver());
    Move.Expect expect = plan.expectedDriver().isEmpty() ? new Move.Unchecked()
        : plan.expectedDriver().get().isEmpty() ? new Move.AnyDriver() : new Move.Driver(plan.expectedDriver().get());
    // set-override, unset-override and load-override take the device over: what detach recorded
    // no longer says where reattach should return it.
    List<Action> afterwards = intent instanceof SetOverride && record.isPresent()
        ? List.of(new Action.ForgetOriginal(host.detached().displayPath(paths.device()))) : List.of();
    return new Planned(new Move(paths, before, savedNow(paths), record, steps, expect, goal, afterwards), toVfio, group,
        notes);
  }

  /** vfio's switch for binding devices no IOMMU protects. */
  static final String NOIOMMU_MODE = "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode";

  /**
   * With {@code --noiommu}, vfio's unsafe no-IOMMU mode for the devices without a group: turned
   * on before the change (a global switch, not a device's step), and off again if the change
   * is rolled back.
   */
  private Optional<Action.Write> noIommuMode(List<Planned> changing) {
    boolean needed = settings.safety().noIommu() && changing.stream().anyMatch(p -> p.toVfio() && p.group().isEmpty());
    Optional<String> mode = needed ? host.sysfs().read(NOIOMMU_MODE).map(String::strip) : Optional.empty();
    return mode.filter(m -> !m.equals("Y") && !m.equals("1")).map(m -> new Action.Write(NOIOMMU_MODE, "1"));
  }

  private <T> T withNoIommuMode(Optional<Action.Write> enable, Locked<T> change) throws VfioctlException {
    if (enable.isEmpty()) {
      return change.run();
    }
    log.action(enable.get());
    try {
      host.sysfs().write(enable.get().path(), enable.get().value());
    } catch (io.vfioctl.sysfs.SysfsWriteException e) {
      throw new VfioctlException("cannot turn on vfio's no-IOMMU mode: " + e.getMessage() + "; nothing changed");
    }
    try {
      return change.run();
    } catch (VfioctlException | RuntimeException e) {
      Action.Write off = new Action.Write(NOIOMMU_MODE, "0");
      log.action(off);
      try {
        host.sysfs().write(off.path(), off.value());
      } catch (io.vfioctl.sysfs.SysfsWriteException again) {
        log.warn("vfio's no-IOMMU mode stays on: " + again.getMessage());
      }
      throw e;
    }
  }

  private static int firstWrite(List<Action> steps) {
    int i = 0;
    while (i < steps.size() && steps.get(i) instanceof Action.LoadModule) {
      i++;
    }
    return i;
  }

  /**
   * Back to what detach recorded: its driver bound explicitly, its override restored; without a
   * record, the override cleared and the device probed, unless a host driver already has it.
   */
  private Move planReattach(DevicePaths paths) throws VfioctlException {
    DeviceState before = state(paths);
    Optional<DeviceState> record = recorded(paths);
    String recordPath = host.detached().displayPath(paths.device());
    if (record.isPresent()) {
      List<Action> steps = new ArrayList<>(OverridePlan.restore(paths, record.get(), before));
      return new Move(paths, before, savedNow(paths), record, steps, new Move.Exactly(record.get()), record.get(),
          List.of(new Action.ForgetOriginal(recordPath)));
    }
    boolean hostBound = before.driver().isPresent() && !host.sysfs().exists(paths.file("vfio-dev"))
        && !GroupMember.isVfioDriver(before.driver().get());
    List<Action> steps = new ArrayList<>();
    if (before.override().isPresent()) {
      steps.add(new Action.Write(paths.driverOverride(), ""));
    }
    Move.Expect expect = new Move.Unchecked();
    if (!hostBound || before.override().isPresent()) {
      if (before.driver().isPresent()) {
        steps.add(new Action.Write(paths.unbind(), paths.device().name()));
      }
      if (settings.probe()) {
        steps.add(new Action.Write(paths.driversProbe(), paths.device().name()));
        expect = new Move.AnyDriver();
      }
    }
    if (!hostBound) {
      log.debug("no detach of " + paths.device() + " is recorded: letting its default driver take it");
    }
    return new Move(paths, before, savedNow(paths), record, steps, expect, new DeviceState(Optional.empty(),
        Optional.of("")), List.of());
  }

  private Optional<DeviceState> recorded(DevicePaths paths) throws VfioctlException {
    try {
      return host.detached().read(paths.device());
    } catch (IOException e) {
      String file = host.detached().displayPath(paths.device());
      throw new VfioctlException("cannot read " + file + ": " + IoErrors.describe(e) + "; remove it (it only records"
          + " what detach took " + paths.device() + " from)");
    }
  }

  /** A record that names the state its device is already in has done its work (a reattach cut short after the move). */
  private void forgetSpent(List<Planned> unchanged) {
    for (Planned p : unchanged) {
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
      Optional<String> saved = savedNow(d);
      if (saved.isPresent()) {
        log.warn("a saved override binds " + d.device() + " to " + Names.printable(saved.get()) + " again at the next"
            + " boot; 'vfioctl unset-override " + d.device().name() + "' forgets it");
      }
    }
  }

  /** Every check before anything is written: a refusal leaves every device as it was. */
  private void refuseUnsafe(List<Planned> changing) throws VfioctlException {
    for (Planned p : changing) {
      Move m = p.move();
      if (m.unbinds()) {
        refuseIfHeld(m.paths());
        refuseIfInUse(m);
      }
      if (p.toVfio() && p.group().isEmpty() && !settings.safety().noIommu()) {
        String why = groups.anyGroups() ? "it is outside every IOMMU group"
            : "no IOMMU is enabled (" + IommuGroups.GROUPS + " is empty)";
        throw new VfioctlException(m.paths().device() + " has no IOMMU group: " + why + ", so VFIO cannot isolate it;"
            + " enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel command line), or pass --noiommu for"
            + " vfio's unsafe no-IOMMU mode");
      }
    }
  }

  /**
   * A host driver's device that the host uses (an interface up, a mounted disk, the console):
   * unbinding it would take that away. {@code --force} takes it all the same, with a warning.
   */
  private void refuseIfInUse(Move m) throws VfioctlException {
    boolean hostDriver = m.before().driver().isPresent() && !host.sysfs().exists(m.paths().file("vfio-dev"));
    if (!hostDriver) {
      return;
    }
    List<String> uses = use.uses(m.paths());
    if (uses.isEmpty()) {
      return;
    }
    String device = m.paths().device().name();
    if (settings.safety().force()) {
      log.warn("taking " + device + " from " + m.before().driver().get() + " although " + uses.get(0) + " (--force)");
      return;
    }
    throw new VfioctlException(device + " is in use: " + uses.get(0) + (uses.size() > 1 ? " (and " + (uses.size() - 1)
        + " more: vfioctl status " + device + ")" : "") + "; stop using it first, or pass --force");
  }

  /** Before binding VFIO: which other devices share each group, and whether it will be viable. */
  private void reportGroups(List<Planned> changing) {
    Set<String> moving = new HashSet<>();
    changing.stream().filter(Planned::toVfio).forEach(p -> moving.add(p.move().paths().device().name()));
    Set<String> reported = new HashSet<>();
    for (Planned p : changing) {
      if (!p.toVfio()) {
        continue;
      }
      DevicePaths d = p.move().paths();
      Optional<IommuGroups.Group> group = p.group();
      if (group.isEmpty()) {
        log.warn("binding " + d.device() + " without an IOMMU (--noiommu): a guest given it can reach all of the"
            + " host's memory");
        continue;
      }
      if (!reported.add(group.get().id())) {
        continue;
      }
      List<GroupMember> blockers = group.get().blockers(moving);
      List<GroupMember> others = group.get().members().stream().filter(m -> !moving.contains(m.device())).toList();
      if (!blockers.isEmpty()) {
        log.warn("IOMMU group " + group.get().id() + " of " + d.device() + " will not be viable for VFIO while "
            + IommuGroups.Group.describe(blockers) + (blockers.size() == 1 ? " stays" : " stay") + " bound to a host"
            + " driver: detach " + (blockers.size() == 1 ? "it" : "them") + " too, or use --group");
      } else if (!others.isEmpty()) {
        log.debug("IOMMU group " + group.get().id() + " also holds " + IommuGroups.Group.describe(others)
            + "; it will be viable");
      }
    }
  }
}
