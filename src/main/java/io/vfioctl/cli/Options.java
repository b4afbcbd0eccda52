package io.vfioctl.cli;

import java.util.List;
import java.util.Optional;

/**
 * The parsed command line: the options given, the values of those that take one, the command and
 * its arguments. Global options may stand before or after the command.
 *
 * @param given the options given, a bit ({@link Option#bit}) each
 */
record Options(int given, Values values, Optional<String> command, List<String> arguments) {

  /** How long one sysfs access may take; waiting for the global lock may take four times that. */
  static final long DEFAULT_TIMEOUT_SECONDS = 30;

  /** The values of the options that take one. */
  record Values(Optional<String> root, Optional<String> bus, Optional<String> driver, long timeoutSeconds) {}

  Options {
    arguments = List.copyOf(arguments);
  }

  boolean has(Option option) {
    return (given & option.bit()) != 0;
  }

  Optional<String> root() {
    return values.root();
  }

  Optional<String> bus() {
    return values.bus();
  }

  Optional<String> driver() {
    return values.driver();
  }

  long timeoutSeconds() {
    return values.timeoutSeconds();
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
