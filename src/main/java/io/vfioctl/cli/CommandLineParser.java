package io.vfioctl.cli;

import io.vfioctl.core.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Hand-written parsing: a dependency here would cost every udev-started call its load time. */
final class CommandLineParser {
  private CommandLineParser() {}

  static Options parse(String... args) throws UsageException {
    Optional<String> root = Optional.empty();
    Optional<String> bus = Optional.empty();
    Optional<String> timeout = Optional.empty();
    boolean verbose = false;
    boolean noSave = false;
    boolean noProbe = false;
    boolean json = false;
    boolean dryRun = false;
    boolean help = false;
    boolean version = false;
    boolean all = false;
    boolean vfio = false;
    boolean group = false;
    boolean vfs = false;
    boolean force = false;
    boolean noIommu = false;
    Optional<String> driver = Optional.empty();
    List<String> positional = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
        positional.add(arg);
        continue;
      }
      String name = arg;
      Optional<String> inlineValue = Optional.empty();
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inlineValue = Optional.of(arg.substring(eq + 1));
      }
      switch (name) {
        case "--" -> optionsEnded = true;
        case "--root" -> {
          root = Optional.of(value(name, inlineValue, args, i));
          i += inlineValue.isPresent() ? 0 : 1;
        }
        case "-b", "--bus" -> {
          bus = Optional.of(value(name, inlineValue, args, i));
          i += inlineValue.isPresent() ? 0 : 1;
        }
        case "--timeout" -> {
          timeout = Optional.of(value(name, inlineValue, args, i));
          i += inlineValue.isPresent() ? 0 : 1;
        }
        case "--driver" -> {
          driver = Optional.of(value(name, inlineValue, args, i));
          i += inlineValue.isPresent() ? 0 : 1;
        }
        case "-v", "--verbose", "--debug" -> verbose = true;
        case "--nosave" -> noSave = true;
        case "--noprobe" -> noProbe = true;
        case "--json" -> json = true;
        case "--dry-run" -> dryRun = true;
        case "-h", "--help" -> help = true;
        case "--version" -> version = true;
        case "--all" -> all = true;
        case "--vfio" -> vfio = true;
        case "--group" -> group = true;
        case "--vfs" -> vfs = true;
        case "--force" -> force = true;
        case "--noiommu" -> noIommu = true;
        default -> throw new UsageException("unknown option: " + Names.printable(arg));
      }
      if (inlineValue.isPresent() && !name.equals("--root") && !name.equals("--bus") && !name.equals("--timeout")
          && !name.equals("--driver")) {
        throw new UsageException("option " + name + " takes no value");
      }
    }
    Optional<String> command = positional.isEmpty() ? Optional.empty() : Optional.of(positional.remove(0));
    return new Options(root, bus, seconds(timeout), verbose, noSave, noProbe, json, dryRun, help, version, all, vfio, group, vfs, force,
        noIommu, driver, command, positional);
  }

  /** A deadline in whole seconds, 0 for none; at most a day. */
  private static long seconds(Optional<String> text) throws UsageException {
    if (text.isEmpty()) {
      return Options.DEFAULT_TIMEOUT_SECONDS;
    }
    String t = text.get();
    if (!t.matches("[0-9]{1,5}") || Long.parseLong(t) > 86_400) {
      throw new UsageException("--timeout takes whole seconds from 0 (no deadline) to 86400, not " + Names.printable(
          t.length() > 20 ? t.substring(0, 20) + "..." : t));
    }
    return Long.parseLong(t);
  }

  private static String value(String name, Optional<String> inline, String[] args, int i) throws UsageException {
    if (inline.isPresent()) {
      return inline.get();
    }
    if (i + 1 >= args.length) {
      throw new UsageException("option " + name + " needs a value");
    }
    return args[i + 1];
  }
}
