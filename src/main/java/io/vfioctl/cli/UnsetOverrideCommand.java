package io.vfioctl.cli;

import io.vfioctl.core.VfioctlException;

/** {@code unset-override DEV}: clears the override, lets the default driver take the device, forgets the saved one. */
final class UnsetOverrideCommand extends Command {
  UnsetOverrideCommand() {
    super("unset-override", "<device>", 1, 1, Option.DRY_RUN, Option.GROUP, Option.VFS);
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    in.services().engine().unset(in.arguments().get(0), in.scope());
    in.initramfsNotice();
    return 0;
  }
}
