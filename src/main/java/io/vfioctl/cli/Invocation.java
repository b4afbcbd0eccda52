package io.vfioctl.cli;

import io.vfioctl.app.Services;
import io.vfioctl.change.OverrideEngine;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * What a command runs with: its command line, the machine's parts, and where it prints.
 *
 * @param prefix what starts each message on stderr: {@code vfioctl: } or {@code driverctl: }
 * @param stdin where {@code -} reads a domain XML from
 */
record Invocation(Options options, Services services, CliLog log, PrintStream out, PrintStream err, String prefix,
    InputStream stdin) {

  List<String> arguments() {
    return options.arguments();
  }

  /**
   * After a change of the saved overrides or rules: one line on stderr when the initramfs was
   * built by vfioctl's hook and does not reflect them now (never in a dry run).
   */
  void initramfsNotice() {
    if (!options.dryRun()) {
      services.initramfsNotice().ifPresent(n -> err.println(prefix + n));
    }
  }

  /** The devices a change acts on besides the one named: {@code --group}, {@code --vfs}. */
  OverrideEngine.Scope scope() {
    return new OverrideEngine.Scope(options.has(Option.GROUP), options.has(Option.VFS));
  }
}
