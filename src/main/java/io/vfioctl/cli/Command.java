package io.vfioctl.cli;

import io.vfioctl.core.VfioctlException;

/**
 * One command of the table in {@link Commands}: its name, the arguments it takes, the options it
 * accepts besides the global ones, and what it does. The usage's option pairings, the "goes with"
 * messages, the man page's synopsis and the bash completion all follow this table.
 */
abstract class Command {
  private final String name;
  private final String arguments;
  private final int minArgs;
  private final int maxArgs;
  private final int options;

  /**
   * @param name the command's word, or its word and action ({@code domain prepare})
   * @param arguments what a message says the command takes, when the count is wrong
   * @param options the options it accepts besides the global ones
   */
  Command(String name, String arguments, int minArgs, int maxArgs, Option... options) {
    this.name = name;
    this.arguments = arguments;
    this.minArgs = minArgs;
    this.maxArgs = maxArgs;
    int set = 0;
    for (Option o : options) {
      set |= o.bit();
    }
    this.options = set;
  }

  /** Runs the command; returns the exit code. */
  abstract int run(Invocation in) throws VfioctlException, UsageException;

  /** As messages name it: {@code set-override}, {@code domain prepare}. */
  final String name() {
    return name;
  }

  /** The word that names it on the command line. */
  final String word() {
    int blank = name.indexOf(' ');
    return blank < 0 ? name : name.substring(0, blank);
  }

  /** The first argument that chooses this command among those of its word, or null. */
  final String action() {
    int blank = name.indexOf(' ');
    return blank < 0 ? null : name.substring(blank + 1);
  }

  /** What the command takes, as the message about a wrong count says: {@code <device> <driver>}. */
  final String arguments() {
    return arguments;
  }

  /** How a message names the commands this one belongs with, when an option goes with all of them. */
  String family() {
    return name;
  }

  final boolean accepts(Option option) {
    return option.global() || (options & option.bit()) != 0;
  }

  /**
   * Whether, after a run cut short before it printed anything (a JVM crash), running it again
   * ends as one run would: true when a second run after a finished one changes nothing and says
   * the same. A change cut short is rolled back by the next change's recovery.
   */
  boolean repeatable(Options o) {
    return true;
  }

  /** Whether {@code n} arguments fit, given the options. */
  boolean takes(int n, Options o) {
    return n >= minArgs && n <= maxArgs;
  }
}
