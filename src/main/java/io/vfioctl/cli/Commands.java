package io.vfioctl.cli;

import io.vfioctl.core.Names;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of commands, with the options each accepts: the one source of which option goes
 * with which command. To add a command, write its class and list it here; ManPageTest then asks
 * for it in the man page and the bash completion.
 */
final class Commands {
  private Commands() {}

  /** In the order messages list them. */
  private static final Command[] ALL = {
      new ListCommands.Devices("list-devices", false), new ListCommands.Devices("list-overrides", true),
      new ListCommands.Persisted(), new VfioDriverCommand(),
      new SetOverrideCommand(), new UnsetOverrideCommand(), new LoadOverrideCommand(),
      new DetachCommand(), new ReattachCommand(), new StatusCommand(),
      new DomainCommand("check", Option.JSON, Option.DRY_RUN),
      new DomainCommand("prepare", Option.JSON, Option.DRY_RUN, Option.FORCE, Option.NOIOMMU),
      new DomainCommand("release", Option.JSON, Option.DRY_RUN),
      new RulesCommand("list", 1), new RulesCommand("check", 1, Option.JSON),
      new RulesCommand("apply", 2, Option.DRY_RUN),
      new InitramfsCommand(), new RecoverCommand(), new HookCommand()};

  static List<Command> all() {
    return List.of(ALL);
  }

  /**
   * The command that the command line names, once its arguments are counted and its options
   * checked; a {@link UsageException} says what is wrong.
   */
  static Command find(Options o) throws UsageException {
    String word = o.command().orElseThrow();
    List<String> args = o.arguments();
    Command named = null;
    for (Command c : ALL) {
      if (c.word().equals(word)) {
        named = c;
        break;
      }
    }
    if (named == null) {
      throw new UsageException("unknown command: " + Names.printable(word));
    }
    if (!anyTakes(word, args.size(), o)) {
      throw new UsageException(word + " takes " + named.arguments());
    }
    Command c = named.action() == null ? named : byAction(word, args.get(0));
    if (!c.takes(args.size(), o)) {
      throw new UsageException(word + " takes " + named.arguments());
    }
    for (Option option : Option.values()) {
      if (o.has(option) && !c.accepts(option)) {
        throw new UsageException(option.spelling() + " goes with " + goesWith(option));
      }
    }
    return c;
  }

  /** Whether some command of {@code word} takes {@code n} arguments: the actions of a word may differ ({@code rules apply DEV}). */
  private static boolean anyTakes(String word, int n, Options o) {
    for (Command c : ALL) {
      if (c.word().equals(word) && c.takes(n, o)) {
        return true;
      }
    }
    return false;
  }

  /** The command of {@code word} that {@code action} chooses: {@code domain prepare}. */
  private static Command byAction(String word, String action) throws UsageException {
    List<String> actions = new ArrayList<>();
    for (Command c : ALL) {
      if (c.word().equals(word)) {
        if (c.action().equals(action)) {
          return c;
        }
        actions.add(c.action());
      }
    }
    throw new UsageException(word + " takes " + joined(actions, "or") + ", not " + Names.printable(action));
  }

  /**
   * The commands an option goes with, as a message says them: a family's name ({@code the list
   * commands}, {@code domain}) stands for all of its commands when the option goes with each.
   */
  static String goesWith(Option option) {
    List<String> names = new ArrayList<>();
    for (Command c : ALL) {
      if (c.accepts(option)) {
        String name = wholeFamilyAccepts(c.family(), option) ? c.family() : c.name();
        if (!names.contains(name)) {
          names.add(name);
        }
      }
    }
    return joined(names, "and");
  }

  private static boolean wholeFamilyAccepts(String family, Option option) {
    for (Command c : ALL) {
      if (c.family().equals(family) && !c.accepts(option)) {
        return false;
      }
    }
    return true;
  }

  /** {@code a, b and c}. */
  static String joined(List<String> words, String conjunction) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words.size(); i++) {
      if (i > 0) {
        b.append(i == words.size() - 1 ? " " + conjunction + " " : ", ");
      }
      b.append(words.get(i));
    }
    return b.toString();
  }
}
