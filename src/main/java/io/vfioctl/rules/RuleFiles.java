package io.vfioctl.rules;

import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Names;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.SizeLimit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rule files in effect, with systemd's drop-in precedence: {@code *.conf} in {@link #DIRS},
 * a name in an earlier directory hiding the same name in the later ones, a link to
 * {@code /dev/null} masking it, read in lexical order of their names.
 */
public final class RuleFiles {
  public static final List<String> DIRS = List.of("/etc/vfioctl/bind.d", "/run/vfioctl/bind.d",
      "/usr/lib/vfioctl/bind.d");
  static final SizeLimit RULE_FILE = SizeLimit.kib(64, "a rule file");
  private static final String SUFFIX = ".conf";
  private static final String NULL = "/dev/null";

  private final ConfinedRoot root;

  public RuleFiles(ConfinedRoot root) {
    this.root = root;
  }

  /** Whether any rule directory holds anything: when not, nothing else need be read. */
  public boolean any() {
    for (String dir : DIRS) {
      if (!root.list(dir).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  public RuleSet read() {
    TreeMap<String, String> winners = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    List<String> voids = new ArrayList<>();
    for (String dir : DIRS) {
      for (String name : root.list(dir)) {
        if (!name.endsWith(SUFFIX) || name.startsWith(".")) {
          continue;
        }
        String path = dir + "/" + name;
        if (!Names.isComponent(name)) {
          voids.add(Names.printable(path));
          errors.add(Names.printable(path) + ": not a name vfioctl reads (printable ASCII, no spaces); rename it");
          continue;
        }
        winners.putIfAbsent(name, path);
      }
    }
    List<Rule> rules = new ArrayList<>();
    List<String> masked = new ArrayList<>();
    for (String path : winners.values()) {
      if (root.linkText(path).filter(NULL::equals).isPresent()) {
        masked.add(path);
        continue;
      }
      Optional<String> text = text(path, errors);
      RuleParser.Parsed parsed = text.isEmpty() ? null : RuleParser.parse(path, text.get());
      if (parsed == null || parsed.isVoid()) {
        voids.add(path);
        if (parsed != null) {
          errors.addAll(parsed.errors());
        }
      } else {
        rules.add(parsed.rule());
      }
    }
    return new RuleSet(List.copyOf(rules), List.copyOf(masked), List.copyOf(voids), List.copyOf(errors));
  }

  /** A file's text: bounded, a regular file, UTF-8 without NUL bytes; else one line in {@code errors}. */
  private Optional<String> text(String path, List<String> errors) {
    byte[] bytes;
    try {
      bytes = root.read(path, RULE_FILE);
    } catch (IOException e) {
      errors.add(path + ": cannot read it: " + IoErrors.describe(e));
      return Optional.empty();
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      if (text.indexOf('\0') >= 0) {
        errors.add(path + ": a binary file (it holds NUL bytes), not a rule file");
        return Optional.empty();
      }
      return Optional.of(text);
    } catch (CharacterCodingException e) {
      errors.add(path + ": not UTF-8 text, not a rule file");
      return Optional.empty();
    }
  }
}
