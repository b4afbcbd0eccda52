package io.vfioctl.change;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Log;
import io.vfioctl.core.OverridePlan;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.device.Bindings;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.host.Host;
import io.vfioctl.host.RuleOwnership;
import io.vfioctl.preflight.Problem;
import io.vfioctl.resolve.Target;
import io.vfioctl.resolve.TargetResolver;
import io.vfioctl.rules.Decision;
import io.vfioctl.rules.Decisions;
import io.vfioctl.rules.FactsReader;
import io.vfioctl.rules.MatchScript;
import io.vfioctl.rules.Rule;
import io.vfioctl.rules.RuleSet;
import io.vfioctl.sysfs.SysfsReadException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * {@code rules apply}: binds what the rules select and returns what they took earlier and no
 * longer select, device by device (or group by group) through the engine's transactions and
 * checks, under one lock; a device that fails is reported and the others go on.
 */
public final class RuleApplier {
  private final Host host;
  private final String bus;
  private final Log log;
  private final OverrideEngine engine;
  private final TargetResolver targets;

  /** @param targets the resolver {@code engine} asks, so that modules.alias is read once a call */
  public RuleApplier(Host host, String bus, Log log, OverrideEngine engine, TargetResolver targets) {
    this.host = host;
    this.bus = bus;
    this.log = log;
    this.engine = engine;
    this.targets = targets;
  }

  /**
   * The tally of an apply.
   *
   * @param skipped devices in use that the boot path left to the host (never counted by {@code rules apply})
   */
  public record Summary(int bound, int returned, int alreadyInEffect, int failed, int skipped) {
    @Override
    public String toString() {
      return bound + " bound, " + returned + " returned, " + alreadyInEffect + " already in effect, " + failed
          + " failed" + (skipped == 0 ? "" : ", " + skipped + " in use, skipped");
    }
  }

  /** @param failures told each device that failed, in one line */
  public Summary apply(RuleSet rules, Consumer<String> failures) throws VfioctlException {
    return apply(rules, failures, false);
  }

  /**
   * @param atBoot whether a device the host uses is logged and skipped, as the boot path does, rather
   *     than failed
   */
  public Summary apply(RuleSet rules, Consumer<String> failures, boolean atBoot) throws VfioctlException {
    return run(rules, failures, atBoot, Optional.empty()).orElseThrow();
  }

  /**
   * Applies the rules to {@code device} alone, as for a device that appeared: with {@code Group=yes},
   * to its IOMMU group; a device that moves with another's group, to that group. Nothing else is
   * bound, returned or checked, so a device in use elsewhere cannot fail it.
   *
   * @return empty when no rule binds or returns the device (nor its group)
   */
  public Optional<Summary> applyTo(DeviceName device, RuleSet rules, Consumer<String> failures)
      throws VfioctlException {
    if (!device.bus().equals(bus)) {
      throw new VfioctlException(device.bus() + "/" + device.name() + ": the binding rules are for the " + bus
          + " bus; name the bus with --bus");
    }
    return run(rules, failures, false, Optional.of(device.name()));
  }

  private Optional<Summary> run(RuleSet rules, Consumer<String> failures, boolean atBoot, Optional<String> only)
      throws VfioctlException {
    return engine.inSession(session -> {
      if (!session.dryRun()) {
        writeMatcher(rules);
      }
      Map<String, RuleOwnership.Owned> owned;
      List<Decision> decisions;
      try {
        owned = new TreeMap<>(host.ruleOwnership().read());
        decisions = Decisions.of(host, bus, rules, targets.vfio());
      } catch (IOException e) {
        throw new VfioctlException("cannot read what the rules own: " + IoErrors.describe(e));
      }
      List<Decision> todo = only.isEmpty() ? decisions : concerning(only.get(), decisions);
      if (only.isPresent() && todo.stream().allMatch(d -> d.action() == Decision.Action.NOTHING)) {
        return Optional.empty();
      }
      Map<String, List<Decision>> takenAlong = takenAlong(decisions);
      int[] tally = new int[5];
      for (Decision d : todo) {
        if (d.blocked().isPresent() && d.owner().isPresent()) {
          log.debug(d.address() + ": " + d.blocked().get() + "; the rules no longer own it");
          owned.remove(d.address());
        }
        try {
          switch (d.action()) {
            case BIND -> {
              Rule r = d.rule().orElseThrow();
              if (!r.group() && inEffect(d, r.driver())) {
                log.debug(d.address() + " is already bound as asked; nothing to do");
                tally[2]++;
              } else {
                OverrideEngine.Scope scope = r.group() ? new OverrideEngine.Scope(true, false) : OverrideEngine.Scope.ONE;
                count(tally, 0, session.override(d.address(), r.driver(), scope, r.force()));
              }
              owned.put(d.address(), new RuleOwnership.Owned(r.name(), d.hostDriver()));
              // The group's other members moved too: the rule owns them, so that they return with it.
              for (Decision m : takenAlong.getOrDefault(d.address(), List.of())) {
                owned.put(m.address(), new RuleOwnership.Owned(r.name(), m.hostDriver()));
              }
            }
            case RETURN -> {
              count(tally, 1, session.override(d.address(), "", OverrideEngine.Scope.ONE, false));
              owned.remove(d.address());
            }
            case NOTHING -> { }
          }
        } catch (Refused e) {
          if (atBoot && e.kind() == Problem.Kind.IN_USE) {
            tally[4]++;
            log.warn(e.getMessage() + "; left to the host at boot");
          } else {
            tally[3]++;
            failures.accept(e.getMessage());
          }
        } catch (VfioctlException | SysfsReadException e) {
          tally[3]++;
          failures.accept(e.getMessage());
        }
      }
      if (!session.dryRun()) {
        try {
          host.ruleOwnership().write(owned);
        } catch (IOException e) {
          throw new VfioctlException("cannot write " + host.ruleOwnership().displayPath() + ": " + IoErrors.describe(e));
        }
      }
      return Optional.of(new Summary(tally[0], tally[1], tally[2], tally[3], tally[4]));
    });
  }

  /**
   * Whether the device is bound as its rule asks: the engine's plan for it, from its binding read
   * now and the target resolved from the rules' facts, has no step. A host with a thousand devices
   * the rules bound applies them at every boot, and planning a move for each finds nothing to do.
   * Planned as if probing, which is stricter than {@code --noprobe}: anything short of certain is
   * left to the engine. What resolving said is told only when the device stays as it is; else the
   * engine says it.
   */
  private boolean inEffect(Decision d, String word) throws VfioctlException {
    if (!(d.device() instanceof FactsReader.Device facts)) {
      return false;
    }
    DevicePaths paths = facts.paths();
    BufferedLog notes = new BufferedLog();
    Target target = facts.target(targets.withLog(notes), word);
    boolean inEffect = OverridePlan.of(Bindings.current(host, paths), new OverridePlan.Request(paths, target.driver(),
        target.moduleToLoad(), true, Optional.empty(), word)).steps().isEmpty();
    if (inEffect) {
      notes.replayTo(log);
    }
    return inEffect;
  }

  /** By device, the others that its {@code Group=yes} rule takes along and no one else holds, in address order. */
  private static Map<String, List<Decision>> takenAlong(List<Decision> decisions) {
    Map<String, List<Decision>> along = new HashMap<>();
    for (Decision m : decisions) {
      if (m.takenWith().isPresent() && m.blocked().isEmpty()) {
        along.computeIfAbsent(m.takenWith().get(), lead -> new ArrayList<>()).add(m);
      }
    }
    return along;
  }

  /**
   * The decisions that {@code device} brings into play: its own, or that of the device whose
   * {@code Group=yes} rule takes it along; with such a rule, those of every endpoint of the group.
   */
  private List<Decision> concerning(String device, List<Decision> decisions) {
    Map<String, Decision> byAddress = new TreeMap<>();
    decisions.forEach(d -> byAddress.put(d.address(), d));
    Decision own = byAddress.get(device);
    if (own == null) {
      return List.of();
    }
    Decision lead = own.action() == Decision.Action.NOTHING && own.blocked().isEmpty()
        ? own.takenWith().map(byAddress::get).orElse(own) : own;
    if (lead.action() != Decision.Action.BIND || !lead.rule().orElseThrow().group()) {
      return List.of(lead);
    }
    Set<String> group = new TreeSet<>(Set.of(lead.address()));
    new IommuGroups(host).of(DevicePaths.of(new DeviceName(bus, lead.address()), Optional.empty()))
        .ifPresent(g -> g.endpoints().forEach(m -> group.add(m.device())));
    return decisions.stream().filter(d -> group.contains(d.address())).toList();
  }

  /** First, so that a device appearing while the rules apply is not missed by both. */
  private void writeMatcher(RuleSet rules) throws VfioctlException {
    try {
      host.ruleOwnership().writeMatcher(MatchScript.needed(rules) ? MatchScript.of(rules) : "");
    } catch (IOException e) {
      throw new VfioctlException("cannot write " + Host.RULES_DIR + "/" + RuleOwnership.MATCHER + ": "
          + IoErrors.describe(e));
    }
  }

  private static void count(int[] tally, int changed, OverrideEngine.Outcome outcome) {
    tally[outcome == OverrideEngine.Outcome.CHANGED ? changed : 2]++;
  }
}
