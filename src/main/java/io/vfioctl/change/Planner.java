package io.vfioctl.change;

import io.vfioctl.core.Names;
import io.vfioctl.core.InvalidNameException;
import io.vfioctl.core.OriginalState;
import io.vfioctl.core.Action;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.core.GroupMember;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Log;
import io.vfioctl.core.OverridePlan;
import io.vfioctl.core.Settings;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.device.Bindings;
import io.vfioctl.device.DeviceLocator;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.device.Sriov;
import io.vfioctl.host.Host;
import io.vfioctl.host.ModuleLoadException;
import io.vfioctl.preflight.Preflight;
import io.vfioctl.resolve.Target;
import io.vfioctl.resolve.TargetResolver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Plans each device's move of a change before anything is written: which devices the command
 * acts on, where each goes, the steps, how to tell they worked, and what follows.
 */
final class Planner {
  private final Host host;
  private final Settings settings;
  private final Log log;
  private final TargetResolver targets;
  private final DeviceLocator locator;
  private final IommuGroups groups;
  private final Sriov sriov;

  Planner(Host host, Settings settings, Log log, TargetResolver targets, DeviceLocator locator) {
    this.host = host;
    this.settings = settings;
    this.log = log;
    this.targets = targets;
    this.locator = locator;
    this.groups = new IommuGroups(host);
    this.sriov = new Sriov(host);
  }

  /** One device of a change and what is asked of it. */
  record Request(DevicePaths paths, Intent intent) {}

  /** A move and what the checks need to know of it; {@code group} is read only for a move that changes something. */
  record Planned(Move move, boolean toVfio, Optional<IommuGroups.Group> group, BufferedLog notes) {
    Preflight.Subject subject() {
      return new Preflight.Subject(move.paths(), move.before(), move.unbinds(), toVfio, group);
    }
  }

  /**
   * The devices a command acts on: {@code device} itself, or its VFs ({@code --vfs}), each with
   * the other endpoints of its IOMMU group ({@code --group}); in address order, each once.
   */
  List<DevicePaths> expand(DevicePaths device, OverrideEngine.Scope scope) throws VfioctlException {
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

  /** @param load whether to load the targets' modules now (and say what is set, for --verbose) */
  List<Planned> planAll(List<Request> requests, boolean load) throws VfioctlException {
    List<Planned> planned = new ArrayList<>();
    for (Request r : requests) {
      planned.add(plan(r.paths(), r.intent(), load));
    }
    return planned;
  }

  private Planned plan(DevicePaths paths, Intent intent, boolean load) throws VfioctlException {
    if (intent instanceof Intent.Reattach) {
      return new Planned(planReattach(paths), false, Optional.empty(), new BufferedLog());
    }
    String word = intent instanceof Intent.SetOverride o ? o.word() : ((Intent.Detach) intent).word();
    boolean save = intent instanceof Intent.SetOverride o && o.save();
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
    DeviceState before = Bindings.current(host, paths);
    OverridePlan plan = plan(paths, target, word, save, before);
    boolean toVfio = word.equals(TargetResolver.BEST_VFIO) || GroupMember.isVfioDriver(target.driver());
    List<Action> steps = new ArrayList<>(plan.steps());
    Optional<DeviceState> record = recorded(paths);
    if (intent instanceof Intent.Detach && record.isEmpty()
        && steps.stream().anyMatch(a -> !(a instanceof Action.LoadModule))) {
      requireRestorable(paths, before);
      steps.add(firstWrite(steps), new Action.RecordOriginal(host.detached().displayPath(paths.device()), before));
    }
    DeviceState goal = new DeviceState(target.driver().isEmpty() ? Optional.empty() : Optional.of(target.driver()),
        plan.expectedDriver());
    Move.Expect expect = plan.expectedDriver().isEmpty() ? new Move.Unchecked()
        : plan.expectedDriver().get().isEmpty() ? new Move.AnyDriver() : new Move.Driver(plan.expectedDriver().get());
    // set-override, unset-override and load-override take the device over: what detach recorded
    // no longer says where reattach should return it.
    List<Action> afterwards = intent instanceof Intent.SetOverride && record.isPresent()
        ? List.of(new Action.ForgetOriginal(host.detached().displayPath(paths.device()))) : List.of();
    Move move = new Move(paths, before, savedNow(paths), record, steps, expect, goal, afterwards);
    // Only the moves that change something are checked (every member's driver is read): a device
    // already in effect, at boot or by an in-effect rules apply, costs no group read.
    Optional<IommuGroups.Group> group = toVfio && move.changes() ? groups.of(paths) : Optional.empty();
    return new Planned(move, toVfio, group, notes);
  }

  /**
   * The kernel takes any bytes as an override; detach records only what reattach can read back
   * and write again, and refuses the rest before anything changes.
   */
  private static void requireRestorable(DevicePaths paths, DeviceState before) throws VfioctlException {
    try {
      OriginalState.decode(OriginalState.encode(before));
    } catch (InvalidNameException e) {
      throw new VfioctlException(paths.device() + " has the driver_override " + Names.printable(before.override()
          .orElse("")) + ", which detach could not record for reattach to restore; clear it first (write an empty line"
          + " to " + paths.driverOverride() + ")");
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
      targets.forgetModules();
      throw new VfioctlException(targets.moduleRefused(paths, word, module, e.getMessage()));
    }
    targets.forgetModules();
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
    DeviceState before = Bindings.current(host, paths);
    Optional<DeviceState> record = recorded(paths);
    String recordPath = host.detached().displayPath(paths.device());
    if (record.isPresent()) {
      List<Action> steps = new ArrayList<>(OverridePlan.restore(paths, record.get(), before));
      return new Move(paths, before, savedNow(paths), record, steps, new Move.Exactly(record.get()), record.get(),
          List.of(new Action.ForgetOriginal(recordPath)));
    }
    boolean hostBound = Bindings.hostDriver(host, paths, before);
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

  /** What detach recorded the device was bound to. */
  private Optional<DeviceState> recorded(DevicePaths paths) throws VfioctlException {
    try {
      return host.detached().read(paths.device());
    } catch (IOException e) {
      String file = host.detached().displayPath(paths.device());
      throw new VfioctlException("cannot read " + file + ": " + IoErrors.describe(e) + "; remove it (it only records"
          + " what detach took " + paths.device() + " from)");
    }
  }

  /** The device's saved override, as it is now. */
  Optional<String> savedNow(DevicePaths paths) throws VfioctlException {
    try {
      return host.persisted().read(paths.device());
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + host.persisted().displayPath(paths.device()) + ": " + IoErrors.describe(e));
    }
  }
}
