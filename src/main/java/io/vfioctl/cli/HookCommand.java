package io.vfioctl.cli;

import io.vfioctl.libvirt.DomainHandover;
import io.vfioctl.core.VfioctlException;
import java.io.InputStream;
import java.io.PrintStream;
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
final class HookCommand {
  private HookCommand() {}

  static int run(List<String> args, InputStream stdin, PrintStream err, String prefix,
      java.util.function.Supplier<DomainHandover> handovers)
      throws VfioctlException {
    String call = args.get(1) + " " + args.get(2);
    if (!call.equals("prepare begin") && !call.equals("release end")) {
      return 0;
    }
    if (call.equals("prepare begin")) {
      handovers.get().prepare(DomainCommand.read("-", stdin));
      return 0;
    }
    try {
      handovers.get().release(DomainCommand.read("-", stdin));
    } catch (VfioctlException | RuntimeException | OutOfMemoryError e) {
      err.println(prefix + "warning: releasing the devices of domain " + io.vfioctl.core.Names.printable(args.get(0))
          + " failed: " + e.getMessage() + "; 'vfioctl status' shows them, 'vfioctl reattach' returns them");
    }
    return 0;
  }
}
