package io.vfioctl.change;

import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Log;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.host.Host;
import io.vfioctl.host.RuleOwnership;
import io.vfioctl.preflight.Problem;
import io.vfioctl.rules.Decision;
import io.vfioctl.rules.Decisions;
import io.vfioctl.rules.MatchScript;
import io.vfioctl.rules.Rule;
import io.vfioctl.rules.RuleSet;
import io.vfioctl.sysfs.SysfsReadException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  public RuleApplier(Host host, String bus, Log log, OverrideEngine engine) {
    this.host = host;
    this.bus = bus;
    this.log = log;
    this.engine = engine;
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
    return engine.inSession(session -> {
      if (!session.dryRun()) {
        writeMatcher(rules);
      }
      Map<String, RuleOwnership.Owned> owned;
      List<Decision> decisions;
      try {
        owned = new TreeMap<>(host.ruleOwnership().read());
        decisions = Decisions.of(host, bus, rules);
      } catch (IOException e) {
        throw new VfioctlException("cannot read what the rules own: " + IoErrors.describe(e));
      }
      int[] tally = new int[5];
      for (Decision d : decisions) {
        if (d.blocked().isPresent() && d.owner().isPresent()) {
          log.debug(d.address() + ": " + d.blocked().get() + "; the rules no longer own it");
          owned.remove(d.address());
        }
        try {
          switch (d.action()) {
            case BIND -> {
              Rule r = d.rule().orElseThrow();
              OverrideEngine.Scope scope = r.group() ? new OverrideEngine.Scope(true, false) : OverrideEngine.Scope.ONE;
              count(tally, 0, session.override(d.address(), r.driver(), scope, r.force()));
              owned.put(d.address(), new RuleOwnership.Owned(r.name(), d.hostDriver()));
              // The group's other members moved too: the rule owns them, so that they return with it.
              decisions.stream().filter(m -> m.takenWith().filter(d.address()::equals).isPresent()
                  && m.blocked().isEmpty()).forEach(m -> owned.put(m.address(),
                  new RuleOwnership.Owned(r.name(), m.hostDriver())));
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
      return new Summary(tally[0], tally[1], tally[2], tally[3], tally[4]);
    });
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
