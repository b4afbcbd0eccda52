package io.vfioctl.change;

import io.vfioctl.device.Bindings;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.core.Log;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Settings;

import io.vfioctl.core.ChangeRecord;
import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.host.Host;
import io.vfioctl.host.Journal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rolls back the changes that a killed process, a crashed JVM or a timed-out unit left half
 * made, as recorded in the journal, and removes the temporary files such a process left. Runs
 * under the global lock before every change, and as {@code vfioctl recover}.
 */
public final class Recovery {
  private final Host host;
  private final Log log;
  private final Restorer restorer;

  Recovery(Host host, Log log, Restorer restorer) {
    this.host = host;
    this.log = log;
    this.restorer = restorer;
  }

  /** What recovery did: one line per change rolled back, and per change it could not restore. */
  public record Report(List<String> recovered, List<String> failed) {}

  Report run() throws VfioctlException {
    List<String> recovered = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    try {
      removeStaleTemporaries(host.persisted().removeStaleTemporaries(), Host.CONF_DIR);
      removeStaleTemporaries(host.detached().removeStaleTemporaries(), Host.DETACHED_DIR);
      removeStaleTemporaries(host.domains().removeStaleTemporaries(), Host.DOMAINS_DIR);
      java.util.Set<String> stillNamed = new java.util.HashSet<>();
      for (Journal.Entry entry : host.journal().leftBehind()) {
        if (!recover(entry, recovered, failed)) {
          entry.record().transaction().ifPresent(stillNamed::add);
        }
      }
      dropFinishedTransactions(stillNamed);
      dropSpentRecords();
    } catch (IOException e) {
      throw new VfioctlException("cannot read the journal under " + Host.JOURNAL_DIR + ": " + IoErrors.describe(e));
    }
    return new Report(List.copyOf(recovered), List.copyOf(failed));
  }

  /** @return whether the entry is gone; one left for a later call still needs its transaction's mark */
  private boolean recover(Journal.Entry entry, List<String> recovered, List<String> failed) throws IOException {
    if (entry.record() == null) {
      if (host.journal().discard(entry.file())) {
        report(failed, "discarded the unreadable journal entry " + entry.file() + " (" + entry.problem() + ")");
      } else {
        String path = host.journal().displayPath(entry.file());
        report(failed, "cannot remove the journal entry " + path + " (" + entry.problem() + ", a directory that is not"
            + " empty): remove it by hand (rm -r '" + path + "'); until then " + entry.file() + " cannot be changed");
      }
      return true;
    }
    ChangeRecord change = entry.record();
    if (change.transaction().isPresent() && host.journal().isCommitted(change.transaction().get())) {
      // The whole change was done; only the removal of its entries was cut short.
      host.journal().discard(entry.file());
      log.debug("the change of " + change.device() + " was complete; removed its journal entry");
      return true;
    }
    String what = "an interrupted change of " + change.device();
    if (alive(change.owner())) {
      // Only a process whose write is stuck in the kernel lets go of the lock mid-change.
      report(failed, what + " is still in the kernel (pid " + change.owner().pid() + "); left alone until it returns");
      return false;
    }
    if (!host.sysfs().exists(change.dir())) {
      host.journal().discard(entry.file());
      report(recovered, what + " was dropped: the device is gone");
      return true;
    }
    DeviceState now = Bindings.current(host, change.paths());
    if (!change.couldHaveLeft(now)) {
      host.journal().discard(entry.file());
      report(recovered, what + " was dropped: the device was changed since (override "
          + now.override().orElse("(none)") + ", driver " + now.driver().orElse("none") + "), and is left so");
      return true;
    }
    Restorer.Result result = restorer.restore(change.paths(), change.before(), Optional.of(change.savedBefore()));
    if (result.complete()) {
      host.journal().discard(entry.file());
      report(recovered, "rolled back " + what + ": " + result.text());
      return true;
    }
    report(failed, "could not roll back " + what + ": " + result.text()
        + "; run 'vfioctl recover' again, or restore it by hand");
    return false;
  }

  private void removeStaleTemporaries(int removed, String dir) {
    if (removed > 0) {
      log.debug("removed " + removed + " temporary file(s) an interrupted call left in " + dir);
    }
  }

  /**
   * Detach records that name the state their device is in: the device is back (a reattach cut
   * short before it forgot the record, a detach rolled back). Records of devices not present
   * are kept: the device may come back detached.
   */
  private void dropSpentRecords() throws IOException {
    for (DeviceName device : host.detached().list()) {
      DevicePaths paths = DevicePaths.of(device, Optional.empty());
      if (!host.sysfs().exists(paths.dir())) {
        continue;
      }
      try {
        if (host.detached().read(device).equals(Optional.of(Bindings.current(host, paths)))) {
          host.detached().remove(device);
          log.debug("removed the detach record of " + device + ": it is back where it was");
        }
      } catch (io.vfioctl.sysfs.RefusedFileException e) {
        log.warn("cannot read " + host.detached().displayPath(device) + ": " + e.getReason() + "; remove it");
      }
    }
  }

  /** Commit marks whose entries are all gone. */
  private void dropFinishedTransactions(java.util.Set<String> stillNamed) throws IOException {
    for (String t : host.journal().committed()) {
      if (!stillNamed.contains(t)) {
        host.journal().uncommit(t);
      }
    }
  }

  /**
   * Whether the change's process still runs, and so may still be in the kernel. This process
   * does not count: it holds the lock, so none of its own changes is under way (a change the
   * Java API could not finish rolling back is retried by the next call of the same process).
   */
  private static boolean alive(ChangeRecord.Owner owner) {
    if (owner.equals(Settings.thisProcess())) {
      return false;
    }
    return ProcessHandle.of(owner.pid())
        .flatMap(p -> p.info().startInstant())
        .map(start -> start.toEpochMilli() == owner.startMillis())
        .orElse(false);
  }

  private void report(List<String> into, String message) {
    into.add(message);
    log.warn(message);
  }
}
