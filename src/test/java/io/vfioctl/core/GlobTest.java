package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases written from glibc fnmatch(pattern, string, 0), which kmod uses for modules.alias. */
class GlobTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "abc|abc|true",
      "abc|abd|false",
      "abc|abcd|false",
      "*|''|true",
      "*|anything/with/slashes|true",
      "a*|a|true",
      "a*c|abbbc|true",
      "a*c|abbbcd|false",
      "*c*c|acxc|true",
      "a**b|ab|true",
      "?|''|false",
      "?|x|true",
      "a?c|abc|true",
      "a?c|ac|false",
      "[abc]|b|true",
      "[abc]|d|false",
      "[a-c]x|bx|true",
      "[!a-c]x|dx|true",
      "[!a-c]x|bx|false",
      "[^a-c]x|dx|true",
      "[]]|]|true",
      "[!]]|a|true",
      "[!]]|]|false",
      "[a-]|-|true",
      "[|[|true",
      "a[|a[|true",
      "\\*|*|true",
      "\\*|a|false",
      "[\\]]|]|true",
      "v00001234d*|v00001234d000011E8sv1|true",
      "v0000123?d*|v00001234d000011E8|true",
      "v000015B3d0000101[EF]sv*|v000015B3d0000101Fsv00000000|true",
      "v000015B3d0000101[EF]sv*|v000015B3d0000101Asv00000000|false",
      "v*d*sv*sd*bc*sc*i*|v00008086d0000100Esv00008086sd0000100Ebc02sc00i00|true",
      "v*d*sv*sd*bc02sc*i*|v00008086d0000100Esv00008086sd0000100Ebc03sc00i00|false",
      "v*d*sv*sd*bc0[0-3]sc*i*|v00008086d0000100Esv00008086sd0000100Ebc03sc00i00|true",
      "[[:xdigit:]]|E|true",
      "[[:xdigit:]]|g|false",
      "[[:digit:]]x|7x|true",
      "[![:digit:]]x|7x|false",
      "[[:upper:][:digit:]]|Q|true",
      "[[:upper:][:digit:]]|q|false",
      "[[:alpha:]-]|-|true",
      "[[:nosuch:]]|a|false",
      "[[:space:]]|' '|true",
      "v0000[[:xdigit:]][[:xdigit:]]B3d*|v000015B3d0000101E|true",
  })
  void matchesAsFnmatchDoes(String pattern, String text, boolean expected) {
    assertEquals(expected, Glob.matches(pattern, text));
  }

  @ParameterizedTest
  @CsvSource({"abc,false", "a*,true", "a?,true", "a[b],true", "0000101E,false"})
  void knowsWildcards(String text, boolean expected) {
    assertEquals(expected, Glob.hasWildcard(text));
  }

  /**
   * The same answers as glibc's own fnmatch (through Python's ctypes) on random patterns made of
   * the pieces modules.alias uses: literals, '*', '?', sets, ranges, negation and classes.
   */
  @Test
  void agreesWithGlibcOnRandomPatterns(@TempDir Path tmp) throws Exception {
    assumeTrue(canRun("python3", "-c", "import ctypes; ctypes.CDLL('libc.so.6').fnmatch"), "python3 with glibc needed");
    Random random = new Random(7);
    String[] pieces = {"A", "B", "0", "1", "9", "*", "?", "[AB]", "[!A]", "[0-9]", "[^0-9A]", "[[:xdigit:]]",
        "[[:upper:]0]", "[![:digit:]]", "[]A]", "\\*", "\\A"};
    String alphabet = "AB019Zaf*]";
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      StringBuilder pattern = new StringBuilder();
      for (int n = random.nextInt(5); n >= 0; n--) {
        pattern.append(pieces[random.nextInt(pieces.length)]);
      }
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(6); n > 0; n--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      lines.add(pattern + "\t" + text);
    }
    Path cases = Files.write(tmp.resolve("cases"), lines, StandardCharsets.UTF_8);
    Process python = new ProcessBuilder("python3", "-c", """
        import ctypes, sys
        fnmatch = ctypes.CDLL('libc.so.6').fnmatch
        for line in open(sys.argv[1], encoding='utf-8'):
            pattern, text = line.rstrip('\\n').split('\\t')
            print(1 if fnmatch(pattern.encode(), text.encode(), 0) == 0 else 0)
        """, cases.toString()).redirectErrorStream(true).start();
    List<String> glibc = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertEquals(0, python.waitFor(), () -> String.join("\n", glibc));
    assertEquals(lines.size(), glibc.size());
    for (int i = 0; i < lines.size(); i++) {
      String[] c = lines.get(i).split("\t", -1);
      assertEquals(glibc.get(i).equals("1"), Glob.matches(c[0], c[1]), "fnmatch(\"" + c[0] + "\", \"" + c[1] + "\")");
    }
  }

  private static boolean canRun(String... command) {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
