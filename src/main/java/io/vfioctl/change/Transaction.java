package io.vfioctl.change;

import io.vfioctl.device.Bindings;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.core.Log;
import io.vfioctl.core.IoErrors;
import io.vfioctl.device.Sriov;
import io.vfioctl.resolve.TargetResolver;

import io.vfioctl.core.Action;
import io.vfioctl.core.ChangeRecord;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.SysfsReadException;
import io.vfioctl.sysfs.SysfsWriteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries out the moves of one change, all or nothing: each device gets its journal entry before
 * its first write, and the entries stay until every device is done, so a process killed midway
 * leaves the next call (or {@code vfioctl recover}) everything to roll back. A failure, a signal
 * or an internal error puts every device moved so far back as it was, the failing one first.
 */
final class Transaction {
  private final Host host;
  private final Log log;
  private final Interruption interruption;
  private final Restorer restorer;
  private final TargetResolver targets;
  private final ChangeRecord.Owner owner;

  Transaction(Host host, Log log, Interruption interruption, Restorer restorer, TargetResolver targets,
      ChangeRecord.Owner owner) {
    this.host = host;
    this.log = log;
    this.interruption = interruption;
    this.restorer = restorer;
    this.targets = targets;
    this.owner = owner;
  }

  void run(List<Move> moves) throws VfioctlException {
    for (Move m : moves) {
      if (journalHas(m.paths())) {
        throw new VfioctlException("an interrupted change of " + m.paths().device() + " is not rolled back yet; run"
            + " 'vfioctl recover' first (it says why it could not)");
      }
    }
    if (moves.isEmpty()) {
      return;
    }
    try {
      interruption.enter();
    } catch (Interruption.Requested e) {
      throw new VfioctlException("interrupted by a signal before changing " + moves.get(0).paths().device()
          + "; nothing changed");
    }
    // The change ends when its commit mark is written: removing the entries after it (one per
    // device) may be cut short or fail without anything being rolled back.
    String transaction = newTransaction();
    List<Move> begun = new ArrayList<>();
    try {
      for (Move m : moves) {
        try {
          host.journal().begin(new ChangeRecord(m.paths().device(), m.paths().dir(), m.before(), m.savedBefore(), m.goal(),
              owner, Optional.of(transaction)));
        } catch (IOException e) {
          throw rollBack(begun, "cannot write the journal under " + Host.JOURNAL_DIR + ": " + IoErrors.describe(e), 1,
              null);
        }
        begun.add(m);
        runSteps(m, begun);
        if (moves.size() > 1) {
          log.progress(begun.size(), moves.size());
        }
      }
      try {
        interruption.checkpoint();
      } catch (Interruption.Requested e) {
        VfioctlException reported = rollBack(begun, "interrupted by a signal while changing "
            + begun.get(begun.size() - 1).paths().device(), 1, null);
        log.warn(reported.getMessage());
        reported.markReported();
        throw reported;
      }
      commit(transaction, begun);
      for (Move m : moves) {
        m.afterwards().forEach(step -> afterwards(step, m.paths()));
      }
    } finally {
      interruption.leave();
    }
  }

  private String newTransaction() {
    return Long.toHexString(owner.pid()) + Long.toHexString(System.nanoTime() & Long.MAX_VALUE);
  }

  /**
   * Ends the change: it is marked committed first, so that a crash while its entries are removed
   * leaves finished changes behind, never half a group to undo.
   */
  private void commit(String transaction, List<Move> begun) throws VfioctlException {
    try {
      host.journal().commit(transaction);
    } catch (IOException e) {
      throw rollBack(begun, "cannot commit the change under " + Host.COMMITTED_DIR + ": " + IoErrors.describe(e), 1,
          null);
    }
    boolean allEnded = true;
    for (Move m : begun) {
      allEnded &= endJournal(m.paths());
    }
    if (allEnded) {
      try {
        host.journal().uncommit(transaction);
      } catch (IOException e) {
        log.debug("cannot remove the commit mark " + transaction + ": " + IoErrors.describe(e)
            + "; the next call removes it");
      }
    }
  }

  private void runSteps(Move m, List<Move> begun) throws VfioctlException {
    DevicePaths paths = m.paths();
    try {
      boolean verified = false;
      for (Action step : m.steps()) {
        if (step instanceof Action.LoadModule) {
          continue;
        }
        if (!verified && (step instanceof Action.Persist || step instanceof Action.Unpersist)) {
          verify(m, begun);
          verified = true;
        }
        interruption.checkpoint();
        log.action(step);
        try {
          perform(step, paths);
        } catch (SysfsWriteException e) {
          throw rollBack(begun, describeFailure(paths, e), 1, null);
        } catch (IOException e) {
          String what = step instanceof Action.Persist || step instanceof Action.Unpersist ? "save override for "
              + paths.device() : "write " + host.detached().displayPath(paths.device());
          throw rollBack(begun, "cannot " + what + ": " + IoErrors.describe(e), 1, null);
        }
      }
      if (!verified) {
        verify(m, begun);
      }
    } catch (Interruption.Requested e) {
      VfioctlException reported = rollBack(begun, "interrupted by a signal while changing " + paths.device(), 1, null);
      // Said at once: once this change is over, the signal's handler lets the JVM exit.
      log.warn(reported.getMessage());
      reported.markReported();
      throw reported;
    } catch (SysfsReadException e) {
      throw rollBack(begun, e.getMessage(), 1, null);
    } catch (RuntimeException e) {
      throw rollBack(begun, "internal error while changing " + paths.device() + " (" + e + ")",
          VfioctlException.INTERNAL_ERROR, e);
    }
  }

  private void verify(Move m, List<Move> begun) throws VfioctlException {
    DevicePaths paths = m.paths();
    DeviceState now = Bindings.current(host, paths);
    String wanted;
    boolean ok;
    Move.Expect expect = m.expect();
    if (expect instanceof Move.Unchecked) {
      return;
    } else if (expect instanceof Move.Driver d) {
      ok = now.boundTo(d.name());
      wanted = "driver " + d.name();
    } else if (expect instanceof Move.Exactly e) {
      ok = now.equals(e.state());
      wanted = e.state().driver().map(d -> "driver " + d).orElse("no driver");
    } else {
      ok = now.driver().isPresent();
      wanted = "its default driver";
      if (!ok && targets.noHostDriverFor(paths)) {
        log.warn("no host driver can claim " + paths.device() + " (no pci: alias of the kernel's modules matches it);"
            + " it stays unbound");
        return;
      }
      Sriov sriov = new Sriov(host);
      Optional<String> pf = sriov.physfn(paths.dir());
      if (!ok && pf.isPresent() && !sriov.driversAutoprobe(DevicePaths.devicesDir(paths.device().bus()) + "/" + pf.get())) {
        log.debug(paths.device() + " stays unbound: its PF " + pf.get() + " has sriov_drivers_autoprobe 0");
        return;
      }
    }
    if (!ok) {
      String why = now.driver().map(d -> "bound to " + d + " instead").orElse("no driver took it");
      throw rollBack(begun, "failed to bind device " + paths.device() + " to " + wanted + " (" + why + ")", 1, null);
    }
  }

  private void perform(Action step, DevicePaths paths) throws SysfsWriteException, IOException {
    if (step instanceof Action.Write w) {
      if (w.path().equals(paths.unbind())) {
        log.debug("unbinding previous driver " + Bindings.current(host, paths).driver().orElse("(none)"));
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
    } else if (step instanceof Action.RecordOriginal r) {
      host.detached().write(paths.device(), r.original());
    } else if (step instanceof Action.ForgetOriginal) {
      host.detached().remove(paths.device());
    }
  }

  /** Steps after the change, such as forgetting a detach record: a failure there is only worth a warning. */
  private void afterwards(Action step, DevicePaths paths) {
    log.action(step);
    try {
      perform(step, paths);
    } catch (IOException | SysfsWriteException e) {
      log.warn("cannot " + step.describe() + ": " + e.getMessage());
    }
  }

  private static String describeFailure(DevicePaths paths, SysfsWriteException e) {
    if (e.path().equals(paths.unbind())) {
      return "unbinding " + paths.device() + " failed: " + e.getMessage();
    }
    return e.getMessage();
  }

  /**
   * Puts every begun device back, the last (failing) one first, and ends the journal entries of
   * those restored completely; one that could not be restored stays for recovery to retry.
   */
  private VfioctlException rollBack(List<Move> begun, String failure, int exitCode, RuntimeException cause) {
    StringBuilder message = new StringBuilder(failure);
    int others = 0;
    List<String> problems = new ArrayList<>();
    for (int i = begun.size() - 1; i >= 0; i--) {
      Move m = begun.get(i);
      Restorer.Result result = restorer.restore(m.paths(), m.before(), Optional.of(m.savedBefore()));
      restoreRecord(m, problems);
      if (result.complete()) {
        endJournal(m.paths());
      }
      if (i == begun.size() - 1) {
        message.append("; ").append(result.text());
      } else if (result.complete()) {
        others++;
      } else {
        problems.add(m.paths().device() + ": " + result.text());
      }
    }
    if (others > 0) {
      message.append("; restored ").append(others).append(others == 1 ? " device" : " devices")
          .append(" moved before it");
    }
    problems.forEach(p -> message.append("; ").append(p));
    VfioctlException e = new VfioctlException(message.toString(), exitCode);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private void restoreRecord(Move m, List<String> problems) {
    try {
      Optional<DeviceState> now = host.detached().read(m.paths().device());
      if (now.equals(m.recordBefore())) {
        return;
      }
      if (m.recordBefore().isPresent()) {
        host.detached().write(m.paths().device(), m.recordBefore().get());
      } else {
        host.detached().remove(m.paths().device());
      }
    } catch (IOException e) {
      problems.add("cannot restore " + host.detached().displayPath(m.paths().device()) + ": " + IoErrors.describe(e));
    }
  }

  private boolean endJournal(DevicePaths paths) {
    try {
      host.journal().end(paths.device());
      return true;
    } catch (IOException e) {
      log.warn("cannot remove the journal entry of " + paths.device() + ": " + IoErrors.describe(e)
          + "; the next call will tidy it up");
      return false;
    }
  }

  private boolean journalHas(DevicePaths paths) throws VfioctlException {
    try {
      return host.journal().has(paths.device());
    } catch (IOException e) {
      throw new VfioctlException("cannot read the journal under " + Host.JOURNAL_DIR + ": " + IoErrors.describe(e));
    }
  }
}
