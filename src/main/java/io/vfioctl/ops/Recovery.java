package io.vfioctl.ops;

import io.vfioctl.core.ChangeRecord;
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
      int stale = host.persisted().removeStaleTemporaries();
      if (stale > 0) {
        log.debug("removed " + stale + " temporary file(s) an interrupted call left in " + Host.CONF_DIR);
      }
      for (Journal.Entry entry : host.journal().leftBehind()) {
        if (entry.record() == null) {
          host.journal().discard(entry.file());
          report(failed, "discarded the unreadable journal entry " + entry.file() + " (" + entry.problem() + ")");
          continue;
        }
        ChangeRecord change = entry.record();
        if (!host.sysfs().exists(change.dir())) {
          host.journal().end(change.device());
          report(recovered, "an interrupted change of " + change.device() + " was dropped: the device is gone");
          continue;
        }
        Restorer.Result result = restorer.restore(change.paths(), change.before(), Optional.of(change.savedBefore()));
        if (result.complete()) {
          host.journal().end(change.device());
          report(recovered, "rolled back an interrupted change of " + change.device() + ": " + result.text());
        } else {
          report(failed, "could not roll back an interrupted change of " + change.device() + ": " + result.text()
              + "; run 'vfioctl recover' again, or restore it by hand");
        }
      }
    } catch (IOException e) {
      throw new VfioctlException("cannot read the journal under " + Host.JOURNAL_DIR + ": " + IoErrors.describe(e));
    }
    return new Report(List.copyOf(recovered), List.copyOf(failed));
  }

  private void report(List<String> into, String message) {
    into.add(message);
    log.warn(message);
  }
}
