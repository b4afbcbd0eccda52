package io.vfioctl.cli;

import io.vfioctl.core.Action;
import io.vfioctl.core.Log;
import java.io.PrintStream;

/** driverctl-style messages on stderr; planned actions on stdout in a dry run. */
final class CliLog implements Log {
  private final PrintStream out;
  private final PrintStream err;
  private final String prefix;
  private final boolean verbose;
  private final boolean dryRun;
  /** Whether stderr is a terminal, where a progress line can be redrawn in place. */
  private final boolean terminal;

  /**
   * A dry run's planned actions, kept for a JSON document rather than printed (stdout then holds
   * that one document); null when they are printed.
   */
  private java.util.List<String> plan;

  /** From now on, keeps the planned actions for {@link #plan()} instead of printing them. */
  void keepPlan() {
    plan = new java.util.ArrayList<>();
  }

  java.util.List<String> plan() {
    return plan == null ? java.util.List.of() : java.util.List.copyOf(plan);
  }

  CliLog(PrintStream out, PrintStream err, String prefix, boolean verbose, boolean dryRun, boolean terminal) {
    this.out = out;
    this.err = err;
    this.prefix = prefix;
    this.verbose = verbose;
    this.dryRun = dryRun;
    this.terminal = terminal;
  }

  @Override
  public void debug(String message) {
    if (verbose) {
      err.println(prefix + message);
    }
  }

  @Override
  public void warn(String message) {
    err.println(prefix + "warning: " + message);
  }

  @Override
  public void action(Action action) {
    if (plan != null) {
      plan.add(action.describe());
    } else if (dryRun) {
      out.println(action.describe());
    } else if (verbose) {
      err.println(prefix + action.describe());
    }
  }

  @Override
  public void progress(int done, int total) {
    if (!terminal || verbose) {
      return; // a log, or a trace that has a line per step already
    }
    err.print("\r" + prefix + done + "/" + total + " devices" + (done == total ? "\n" : ""));
    err.flush();
  }
}
