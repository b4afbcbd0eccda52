package io.vfioctl.cli;

import java.util.List;
import java.util.Optional;

/**
 * The parsed command line: the options given, the values of those that take one, the command and
 * its arguments. Global options may stand before or after the command.
 *
 * @param given the options given, a bit ({@link Option#bit}) each
 * @param root {@code --root}
 * @param bus {@code --bus}
 * @param driver {@code --driver}
 * @param timeoutSeconds {@code --timeout}, or the default
 */
record Options(int given, Optional<String> root, Optional<String> bus, Optional<String> driver, long timeoutSeconds,
    Optional<String> command, List<String> arguments) {

  /** How long one sysfs access may take; waiting for the global lock may take four times that. */
  static final long DEFAULT_TIMEOUT_SECONDS = 30;

  Options {
    arguments = List.copyOf(arguments);
  }

  boolean has(Option option) {
    return (given & option.bit()) != 0;
  }

  boolean verbose() {
    return has(Option.VERBOSE);
  }

  boolean json() {
    return has(Option.JSON);
  }

  boolean dryRun() {
    return has(Option.DRY_RUN);
  }

  boolean all() {
    return has(Option.ALL);
  }
}
