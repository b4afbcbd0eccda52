package io.vfioctl.cli;

import io.vfioctl.core.VfioctlException;

/** {@code set-override DEV DRIVER}: binds DRIVER (or the best-fit VFIO driver for {@code vfio}) and saves it. */
final class SetOverrideCommand extends Command {
  SetOverrideCommand() {
    super("set-override", "<device> <driver>", 2, 2, Option.DRY_RUN, Option.GROUP, Option.VFS, Option.FORCE,
        Option.NOIOMMU);
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    in.services().engine().set(in.arguments().get(0), in.arguments().get(1), in.scope());
    in.initramfsNotice();
    return 0;
  }
}
