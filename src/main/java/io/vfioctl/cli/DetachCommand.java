package io.vfioctl.cli;

import io.vfioctl.core.VfioctlException;

/** {@code detach DEV [--driver D]}: hands the device to VFIO without saving, remembering what it had. */
final class DetachCommand extends Command {
  DetachCommand() {
    super("detach", "<device>", 1, 1, Option.DRIVER, Option.DRY_RUN, Option.GROUP, Option.VFS, Option.FORCE,
        Option.NOIOMMU);
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    in.services().engine().detach(in.arguments().get(0), in.options().driver(), in.scope());
    return 0;
  }
}
