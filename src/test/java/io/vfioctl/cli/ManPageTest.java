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
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * dist/man/vfioctl.8 and dist/bash-completion/vfioctl name every command, option, device type and
 * environment variable the program knows, and nothing else. Options and environment variables
 * are read from the source text, so a new one fails here until it is documented.
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
    assertTrue(environmentVariables().containsAll(Set.of("VFIOCTL_ROOT", "SUBSYSTEM", "DEVPATH")),
        environmentVariables()::toString);
  }

  private static Set<String> commandWords() {
    Set<String> words = new TreeSet<>();
    for (Command c : Command.values()) {
      words.add(c.word);
    }
    return words;
  }

  private static List<String> deviceTypes() {
    return Arrays.stream(DeviceType.values()).map(DeviceType::label).toList();
  }

  /** The strings of the parser's option labels: {@code case "-b", "--bus" ->}. */
  private static Set<String> parserOptions() throws IOException {
    String source = Files.readString(SOURCES.resolve("CommandLineParser.java"));
    return quotedIn(source, "case\\s+(\"-[^\"]*\"(?:\\s*,\\s*\"-[^\"]*\")*)\\s*->");
  }

  private static Set<String> longOptions() throws IOException {
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
