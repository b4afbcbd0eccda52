package io.vfioctl.cli;

import java.util.List;
import java.util.Optional;

/** The parsed command line. Global options may stand before or after the command. */
record Options(
    Optional<String> root,
    Optional<String> bus,
    long timeoutSeconds,
    boolean verbose,
    boolean noSave,
    boolean noProbe,
    boolean json,
    boolean dryRun,
    boolean help,
    boolean version,
    boolean all,
    boolean vfio,
    boolean group,
    boolean vfs,
    boolean force,
    boolean noIommu,
    Optional<String> driver,
    Optional<String> command,
    List<String> arguments) {

  /** How long one sysfs access may take; waiting for the global lock may take four times that. */
  static final long DEFAULT_TIMEOUT_SECONDS = 30;

  Options {
    arguments = List.copyOf(arguments);
  }
}
