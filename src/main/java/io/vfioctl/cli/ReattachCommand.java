package io.vfioctl.cli;

import io.vfioctl.core.VfioctlException;

/** {@code reattach DEV}: returns the device to what detach recorded. */
final class ReattachCommand extends Command {
  ReattachCommand() {
    super("reattach", "<device>", 1, 1, Option.DRY_RUN, Option.GROUP, Option.VFS);
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    in.services().engine().reattach(in.arguments().get(0), in.scope());
    return 0;
  }
}
