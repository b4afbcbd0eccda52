package io.vfioctl.cli;

import io.vfioctl.change.Recovery;
import io.vfioctl.core.VfioctlException;

/** {@code recover}: rolls back what a killed call left half made. */
final class RecoverCommand extends Command {
  RecoverCommand() {
    super("recover", "no arguments", 0, 0);
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    Recovery.Report report = in.services().engine().recover();
    in.out().println("recover: " + report.recovered().size() + " rolled back, " + report.failed().size() + " failed");
    return report.failed().isEmpty() ? 0 : 1;
  }
}
