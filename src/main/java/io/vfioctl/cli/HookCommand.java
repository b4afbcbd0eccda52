package io.vfioctl.cli;

import io.vfioctl.core.VfioctlException;
import java.util.List;

/**
 * {@code vfioctl libvirt-hook NAME OPERATION SUBOP EXTRA}, as libvirt runs the hooks of
 * {@code /etc/libvirt/hooks/qemu.d} with the domain XML on standard input. At {@code prepare
 * begin} the domain's {@code managed='no'} devices are detached (a failure stops the guest from
 * starting, with its one line in libvirt's log); at {@code release end} they are returned, and a
 * failure there never fails the shutdown. Any other call returns at once. Nothing is ever printed
 * on standard output: for {@code migrate} and {@code restore} libvirt reads it as XML. The hook
 * never calls libvirt back (that would deadlock libvirtd).
 */
final class HookCommand extends Command {
  HookCommand() {
    super("libvirt-hook", "<domain> <operation> <sub-operation> <extra>, as libvirt runs a hook", 4, 4,
        Option.DRY_RUN);
  }

  /** It reads the domain from stdin, which a second run would find consumed. */
  @Override
  boolean repeatable(Options o) {
    return false;
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    List<String> args = in.arguments();
    String call = args.get(1) + " " + args.get(2);
    if (!call.equals("prepare begin") && !call.equals("release end")) {
      return 0;
    }
    if (call.equals("prepare begin")) {
      in.services().handover().prepare(DomainCommand.read("-", in.stdin()));
      return 0;
    }
    try {
      in.services().handover().release(DomainCommand.read("-", in.stdin()));
    } catch (VfioctlException | RuntimeException | OutOfMemoryError e) {
      in.err().println(in.prefix() + "warning: releasing the devices of domain " + io.vfioctl.core.Names.printable(
          args.get(0)) + " failed: " + e.getMessage() + "; 'vfioctl status' shows them, 'vfioctl reattach' returns them");
    }
    return 0;
  }
}
