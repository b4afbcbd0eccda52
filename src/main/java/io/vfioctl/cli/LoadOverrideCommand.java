package io.vfioctl.cli;

import io.vfioctl.change.OverrideEngine;
import io.vfioctl.core.VfioctlException;

/** {@code load-override DEV} applies a device's saved override; {@code load-override --all} every one (boot). */
final class LoadOverrideCommand extends Command {
  LoadOverrideCommand() {
    super("load-override", "<device> (or --all alone)", 1, 1, Option.ALL, Option.DRY_RUN, Option.FORCE, Option.NOIOMMU);
  }

  @Override
  boolean takes(int n, Options o) {
    return o.all() ? n == 0 : super.takes(n, o);
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    OverrideEngine engine = in.services().engine();
    if (!in.options().all()) {
      // Nothing saved: exit 1 and print nothing, as driverctl does.
      return engine.load(in.arguments().get(0)).isEmpty() ? 1 : 0;
    }
    OverrideEngine.LoadSummary summary = engine.loadAll(message -> in.err().println(in.prefix() + message));
    in.out().println("load-override: " + summary);
    return summary.failed() == 0 ? 0 : 1;
  }
}
