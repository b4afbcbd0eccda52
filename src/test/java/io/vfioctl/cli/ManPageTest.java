package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.core.DeviceType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * dist/man/vfioctl.8 and dist/bash-completion/vfioctl name every command, option, device type and
 * environment variable the program knows, and nothing else, and pair options with commands as the
 * program's table ({@link Commands}, {@link Option}) does. Environment variables are read from
 * the source text, so a new one fails here until it is documented.
 */
class ManPageTest {
  private static final Path MAN_PAGE = Path.of("dist/man/vfioctl.8");
  private static final Path COMPLETION = Path.of("dist/bash-completion/vfioctl");
  private static final Path SOURCES = Path.of("src/main/java/io/vfioctl/cli");
  private static final Pattern LONG_OPTION = Pattern.compile("(?<![\\w-])--[a-z][\\w-]*");

  @Test
  void manPageHasAnEntryForEachCommandAndOptionAndNoOther() throws IOException {
    String man = manText();
    assertEquals(commandWords(), firstWords(tags(section(man, "COMMANDS"))), "COMMANDS of " + MAN_PAGE);
    Set<String> documented = new TreeSet<>();
    for (String tag : tags(section(man, "OPTIONS"))) {
      words(tag).stream().filter(w -> w.startsWith("-")).map(w -> w.replaceFirst("=.*", "")).forEach(documented::add);
    }
    assertEquals(parserOptions(), documented, "OPTIONS of " + MAN_PAGE);
  }

  @Test
  void manPageSynopsisPairsOptionsWithCommandsAsTheTable() throws IOException {
    String synopsis = section(manText(), "SYNOPSIS");
    Map<String, Set<String>> documented = new TreeMap<>();
    Matcher block = Pattern.compile("(?ms)^\\.SY vfioctl$(.*?)^\\.YS$").matcher(synopsis);
    while (block.find()) {
      List<String> tokens = synopsisTokens(rendered(block.group(1)));
      Set<String> options = new TreeSet<>();
      tokens.stream().filter(t -> t.startsWith("--")).forEach(options::add);
      for (String command : commandsNamed(tokens)) {
        documented.computeIfAbsent(command, c -> new TreeSet<>()).addAll(options);
      }
    }
    assertEquals(tableOptions(), documented, "options of each command in the SYNOPSIS of " + MAN_PAGE);

    Matcher global = Pattern.compile("(?ms)^\\.I OPTIONS$(.*?)^\\.PP$").matcher(synopsis);
    assertTrue(global.find(), "no paragraph on OPTIONS in the SYNOPSIS of " + MAN_PAGE);
    Set<String> globals = new TreeSet<>();
    for (String t : synopsisTokens(rendered(global.group(1)))) {
      if (t.startsWith("-")) {
        globals.add(t);
      }
    }
    globals.addAll(List.of("-h", "--help", "--version")); // a line of their own
    assertEquals(globalSpellings(), globals, "OPTIONS in the SYNOPSIS of " + MAN_PAGE);
  }

  @Test
  void manPageSaysWhatEachOptionGoesWithAsTheMessagesDo() throws IOException {
    String options = section(manText(), "OPTIONS");
    for (Option o : Option.values()) {
      if (o.global()) {
        continue;
      }
      String entry = "";
      for (String e : options.split("(?m)^\\.TP\n")) {
        if (words(e.lines().findFirst().orElse("")).contains(o.spelling())) {
          entry = rendered(e);
        }
      }
      String sentence = "Goes with " + Commands.goesWith(o) + ".";
      assertTrue(entry.contains(sentence), o.spelling() + " in OPTIONS of " + MAN_PAGE + " lacks '" + sentence + "': "
          + entry);
    }
  }

  @Test
  void completionOffersOptionsAfterTheCommandsTheyGoWith() throws IOException {
    String completion = Files.readString(COMPLETION);
    Matcher commands = Pattern.compile("(?m)^_vfioctl_commands=\"([^\"]*)\"").matcher(completion);
    assertTrue(commands.find(), "no _vfioctl_commands in " + COMPLETION);
    assertEquals(commandWords(), new TreeSet<>(List.of(commands.group(1).split(" "))), "_vfioctl_commands");
    Matcher globals = Pattern.compile("(?m)^_vfioctl_options=\"([^\"]*)\"").matcher(completion);
    assertTrue(globals.find(), "no _vfioctl_options in " + COMPLETION);
    assertEquals(globalSpellings(), new TreeSet<>(List.of(globals.group(1).split(" "))), "_vfioctl_options");

    // The case that adds options after a command: {@code "domain check" | "domain release") extra="--json --dry-run" ;;}
    Map<String, Set<String>> offered = new TreeMap<>();
    Matcher line = Pattern.compile("(?m)^\\s+((?:\"[^\"]*\"|[a-z-]+)(?:\\s*\\|\\s*(?:\"[^\"]*\"|[a-z-]+))*)\\)"
        + "\\s+extra=\"?([^\";]*)\"?\\s*;;").matcher(completion);
    while (line.find()) {
      Set<String> options = new TreeSet<>(List.of(line.group(2).split(" ")));
      for (String key : line.group(1).split("\\s*\\|\\s*")) {
        offered.put(key.replace("\"", ""), options);
      }
    }
    Map<String, Set<String>> expected = new TreeMap<>();
    Set<String> any = new TreeSet<>();
    Set<String> anyDomain = new TreeSet<>();
    tableOptions().forEach((command, options) -> {
      if (!options.isEmpty()) {
        expected.put(command, options);
      }
      any.addAll(options);
      if (command.startsWith("domain ")) {
        anyDomain.addAll(options);
      }
    });
    expected.put("", any); // before the command
    expected.put("domain", anyDomain); // before domain's action
    assertEquals(expected, offered, "options offered after each command by " + COMPLETION);
  }

  @Test
  void readmeSaysWhatEachOptionGoesWithAsTheMessagesDo() throws IOException {
    Set<String> listed = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| (`--[^|]*) \\| ([^|]*) \\|$").matcher(Files.readString(Path.of("README.md")));
    while (row.find()) {
      for (String option : row.group(1).replace("`", "").split(", ")) {
        Option o = Option.spelled(option.split(" ")[0]);
        assertTrue(row.group(2).replace("`", "").startsWith(Commands.goesWith(o)), row.group());
        listed.add(o.spelling());
      }
    }
    Set<String> expected = new TreeSet<>();
    for (Option o : Option.values()) {
      if (!o.global()) {
        expected.add(o.spelling());
      }
    }
    assertEquals(expected, listed, "options in the table of README.md");
  }

  @Test
  void manPageNamesEveryDeviceTypeAndEnvironmentVariable() throws IOException {
    String man = manText();
    assertEquals(List.of(), deviceTypes().stream().filter(t -> !containsToken(man, t)).toList(),
        "device types missing from " + MAN_PAGE);
    Set<String> environment = firstWords(tags(section(man, "ENVIRONMENT")));
    assertEquals(List.of(), environmentVariables().stream().filter(v -> !environment.contains(v)).toList(),
        "missing from ENVIRONMENT of " + MAN_PAGE);
  }

  @Test
  void completionOffersEveryCommandLongOptionAndTypeAndNoOtherOption() throws IOException {
    String completion = Files.readString(COMPLETION);
    Set<String> words = new TreeSet<>(commandWords());
    words.addAll(longOptions());
    words.addAll(deviceTypes());
    assertEquals(List.of(), words.stream().filter(w -> !containsToken(completion, w)).toList(),
        "missing from " + COMPLETION);
    assertEquals(longOptions(), new TreeSet<>(tokens(LONG_OPTION, completion)), "long options in " + COMPLETION);
  }

  @Test
  void theSourceTextYieldsWhatTheChecksNeed() throws IOException {
    // Guards the extraction itself: an empty result would make every check above pass.
    assertTrue(parserOptions().containsAll(Set.of("--", "--root", "-b", "--bus", "--all", "--vfio")),
        parserOptions()::toString);
    assertEquals(Set.of("--dry-run", "--group", "--vfs", "--force", "--noiommu"), tableOptions().get("set-override"));
    assertEquals("<b>x</b>, <i>y</i> and z", rendered(".BR <b>x</b> ,\n.IR <i>y</i>\nand z\n"));
    assertTrue(environmentVariables().containsAll(Set.of("VFIOCTL_ROOT", "SUBSYSTEM", "DEVPATH")),
        environmentVariables()::toString);
  }

  private static Set<String> commandWords() {
    Set<String> words = new TreeSet<>();
    for (Command c : Commands.all()) {
      words.add(c.word());
    }
    return words;
  }

  /** Each command's name, with the long options it takes besides the global ones. */
  private static Map<String, Set<String>> tableOptions() {
    Map<String, Set<String>> table = new TreeMap<>();
    for (Command c : Commands.all()) {
      Set<String> options = new TreeSet<>();
      for (Option o : Option.values()) {
        if (!o.global() && c.accepts(o)) {
          options.add(o.spelling());
        }
      }
      table.put(c.name(), options);
    }
    return table;
  }

  /** Every spelling of every global option. */
  private static Set<String> globalSpellings() {
    Set<String> spellings = new TreeSet<>();
    for (Option o : Option.values()) {
      if (o.global()) {
        spellings.addAll(List.of(o.spellings()));
      }
    }
    return spellings;
  }

  /** The commands a synopsis line names: {@code domain check|release} names two. */
  private static List<String> commandsNamed(List<String> tokens) {
    List<String> named = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      for (Command c : Commands.all()) {
        if (c.action() == null && c.word().equals(tokens.get(i))) {
          named.add(c.name());
        } else if (c.action() != null && c.word().equals(tokens.get(i))) {
          for (int j = i + 1; j < tokens.size() && isAction(c.word(), tokens.get(j)); j++) {
            if (tokens.get(j).equals(c.action())) {
              named.add(c.name());
            }
          }
        }
      }
    }
    return named;
  }

  private static boolean isAction(String word, String token) {
    return Commands.all().stream().anyMatch(c -> c.word().equals(word) && token.equals(c.action()));
  }

  /** A synopsis as words: brackets, bars and the full stop are no part of them. */
  private static List<String> synopsisTokens(String text) {
    return Arrays.stream(text.split("[\\s|\\[\\].]+")).filter(w -> !w.isEmpty()).toList();
  }

  /**
   * The text that a piece of {@link #manText} shows: the arguments of font macros (those of the
   * alternating ones joined without a blank), lines joined by one blank.
   */
  private static String rendered(String roff) {
    StringBuilder text = new StringBuilder();
    Matcher argument = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher("");
    for (String line : roff.split("\n")) {
      Matcher macro = Pattern.compile("^\\.(B|I|R|[BIR]{2})(?:\\s+(.*))?$").matcher(line);
      if (macro.matches()) {
        List<String> args = new ArrayList<>();
        argument.reset(macro.group(2) == null ? "" : macro.group(2));
        while (argument.find()) {
          args.add(argument.group(1) != null ? argument.group(1) : argument.group(2));
        }
        text.append(String.join(macro.group(1).length() == 1 ? " " : "", args));
      } else if (!line.startsWith(".")) {
        text.append(line);
      }
      text.append(' ');
    }
    return text.toString().replace("\\|", "").replace("\\~", " ").replaceAll("\\\\\\(..", "\"")
        .replaceAll("\\s+", " ").strip();
  }

  private static List<String> deviceTypes() {
    return Arrays.stream(DeviceType.values()).map(DeviceType::label).toList();
  }

  /** Every spelling of every option of the table, and {@code --}, which ends the options. */
  private static Set<String> parserOptions() {
    Set<String> options = new TreeSet<>(List.of("--"));
    for (Option o : Option.values()) {
      options.addAll(List.of(o.spellings()));
    }
    return options;
  }

  private static Set<String> longOptions() {
    return parserOptions().stream().filter(o -> o.startsWith("--") && o.length() > 2)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The variables Main reads: {@code env.get("VFIOCTL_ROOT")}. */
  private static Set<String> environmentVariables() throws IOException {
    return quotedIn(Files.readString(SOURCES.resolve("Main.java")), "env\\.get\\((\"[^\"]+\")\\)");
  }

  /** Every "string" inside group 1 of every match of {@code regex}. */
  private static Set<String> quotedIn(String text, String regex) {
    Set<String> found = new TreeSet<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      Matcher s = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
      while (s.find()) {
        found.add(s.group(1));
      }
    }
    return found;
  }

  /** The man page as text: comments dropped, {@code \-} as {@code -}, font changes removed. */
  private static String manText() throws IOException {
    return Files.readString(MAN_PAGE)
        .replaceAll("(?m)^\\.\\\\\".*$", "")
        .replace("\\-", "-")
        .replaceAll("\\\\f(\\[[^\\]]*]|\\(..|.)", "")
        .replace("\\&", "");
  }

  private static String section(String man, String name) {
    Matcher m = Pattern.compile("(?ms)^\\.SH " + name + "$(.*?)(?=^\\.SH |\\z)").matcher(man);
    assertTrue(m.find(), "no section " + name + " in " + MAN_PAGE);
    return m.group(1);
  }

  /** The tag lines of the section's {@code .TP} paragraphs. */
  private static List<String> tags(String section) {
    List<String> tags = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\.TP\\n(.*)$").matcher(section);
    while (m.find()) {
      tags.add(m.group(1));
    }
    return tags;
  }

  /** The words of a macro line, without the macro and roff's quotes and separators. */
  private static List<String> words(String line) {
    return java.util.Arrays.stream(line.replaceFirst("^\\.\\w+\\s+", "").split("[\\s,\"|]+"))
        .filter(w -> !w.isEmpty()).toList();
  }

  private static Set<String> firstWords(List<String> lines) {
    Set<String> first = new TreeSet<>();
    lines.forEach(l -> first.add(words(l).get(0)));
    return first;
  }

  private static List<String> tokens(Pattern pattern, String text) {
    List<String> tokens = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      tokens.add(m.group());
    }
    return tokens;
  }

  /** Whether {@code word} stands in {@code text} as a word of its own, not inside a longer one. */
  private static boolean containsToken(String text, String word) {
    return Pattern.compile("(?<![\\w-])" + Pattern.quote(word) + "(?![\\w-])").matcher(text).find();
  }
}
