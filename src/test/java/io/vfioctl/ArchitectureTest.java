package io.vfioctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The code map of docs/ARCHITECTURE.md, enforced: one job per package, and no package imports one below it. */
class ArchitectureTest {
  /** Lowest first: a package may use only those before it. */
  static final List<String> LAYERS = List.of("core", "sysfs", "host", "sim", "device", "inuse", "resolve", "rules",
      "early", "preflight", "status", "change", "libvirt", "app", "api", "cli");
  private static final Pattern USE = Pattern.compile("\\bio\\.vfioctl\\.([a-z]+)\\.");
  private static final Path MAIN = Path.of(System.getProperty("basedir", "."), "src/main/java/io/vfioctl");

  @Test
  void noPackageUsesOneBelowItInTheMap() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (Path source : sources()) {
      String pkg = MAIN.relativize(source).getName(0).toString();
      Matcher m = USE.matcher(code(source));
      while (m.find()) {
        String used = m.group(1);
        if (!used.equals(pkg) && LAYERS.indexOf(used) > LAYERS.indexOf(pkg)) {
          wrong.add(MAIN.relativize(source) + " uses " + used);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void everyPackageIsOnTheMapAndInTheDocument() throws IOException {
    String doc = Files.readString(MAIN.resolve("../../../../../docs/ARCHITECTURE.md").normalize());
    List<String> missing = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(MAIN)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        String pkg = dir.getFileName().toString();
        if (!LAYERS.contains(pkg) || !doc.contains("| `" + pkg + "` |")) {
          missing.add(pkg);
        }
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void noMainClassIsOver400Lines() throws IOException {
    List<String> long_ = new ArrayList<>();
    for (Path source : sources()) {
      long lines = Files.readAllLines(source).size();
      if (lines > 400) {
        long_.add(MAIN.relativize(source) + ": " + lines);
      }
    }
    assertEquals(List.of(), long_);
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(p -> p.toString().endsWith(".java") && MAIN.relativize(p).getNameCount() > 1).toList();
    }
  }

  /** The source without comments and string or text-block literals, where a package's name means nothing. */
  private static String code(Path source) throws IOException {
    String s = Files.readString(source);
    StringBuilder code = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("/*", i)) {
        i = end(s, "*/", i + 2);
      } else if (s.startsWith("//", i)) {
        i = end(s, "\n", i + 2);
      } else if (s.startsWith("\"\"\"", i)) {
        i = end(s, "\"\"\"", i + 3);
      } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
        char quote = s.charAt(i++);
        while (i < s.length() && s.charAt(i) != quote) {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
      } else {
        code.append(s.charAt(i++));
      }
    }
    return code.toString();
  }

  private static int end(String s, String closing, int from) {
    int at = s.indexOf(closing, from);
    return at < 0 ? s.length() : at + closing.length();
  }
}
