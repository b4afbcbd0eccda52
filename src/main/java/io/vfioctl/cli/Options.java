package io.vfioctl.cli;

import java.util.List;
import java.util.Optional;

/** The parsed command line. Global options may stand before or after the command. */
record Options(
    Optional<String> root,
    Optional<String> bus,
    boolean verbose,
    boolean noSave,
    boolean noProbe,
    boolean json,
    boolean dryRun,
    boolean help,
    boolean version,
    boolean all,
    boolean vfio,
    Optional<String> command,
    List<String> arguments) {

  Options {
    arguments = List.copyOf(arguments);
  }
}
