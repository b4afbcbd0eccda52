package io.vfioctl.cli;

import io.vfioctl.core.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Hand-written parsing: a dependency here would cost every udev-started call its load time. */
final class CommandLineParser {
  private CommandLineParser() {}

  static Options parse(String... args) throws UsageException {
    int given = 0;
    String root = null;
    String bus = null;
    String timeout = null;
    String driver = null;
    List<String> positional = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
        positional.add(arg);
        continue;
      }
      String name = arg;
      String inlineValue = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inlineValue = arg.substring(eq + 1);
      }
      if (name.equals("--")) {
        if (inlineValue != null) {
          throw new UsageException("option -- takes no value");
        }
        optionsEnded = true;
        continue;
      }
      Option option = Option.spelled(name);
      if (option == null) {
        throw new UsageException("unknown option: " + Names.printable(arg));
      }
      given |= option.bit();
      if (!option.takesValue()) {
        if (inlineValue != null) {
          throw new UsageException("option " + name + " takes no value");
        }
        continue;
      }
      String value = inlineValue;
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("option " + name + " needs a value");
        }
        value = args[++i];
      }
      if (option == Option.ROOT) {
        root = value;
      } else if (option == Option.BUS) {
        bus = value;
      } else if (option == Option.TIMEOUT) {
        timeout = value;
      } else {
        driver = value;
      }
    }
    Optional<String> command = positional.isEmpty() ? Optional.empty() : Optional.of(positional.remove(0));
    return new Options(given, Optional.ofNullable(root), Optional.ofNullable(bus), Optional.ofNullable(driver),
        seconds(timeout), command, positional);
  }

  /** A deadline in whole seconds, 0 for none; at most a day. */
  private static long seconds(String t) throws UsageException {
    if (t == null) {
      return Options.DEFAULT_TIMEOUT_SECONDS;
    }
    if (!io.vfioctl.core.Text.isDigits(t, 5) || Long.parseLong(t) > 86_400) {
      throw new UsageException("--timeout takes whole seconds from 0 (no deadline) to 86400, not " + Names.printable(
          t.length() > 20 ? t.substring(0, 20) + "..." : t));
    }
    return Long.parseLong(t);
  }
}
