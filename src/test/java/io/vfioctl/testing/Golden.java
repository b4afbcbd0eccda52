package io.vfioctl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * Long expected outputs, kept in files below {@code src/test/resources/golden}. Run the tests with
 * {@code -Dvfioctl.golden.update=true} (or {@code VFIOCTL_UPDATE_GOLDEN=1} in the environment) to
 * rewrite the files that differ instead of failing, then review the change with {@code git diff}.
 */
public final class Golden {
  private static final String DIR = "src/test/resources/golden";
  private static final int CONTEXT = 2;

  private Golden() {}

  /** Asserts that {@code actual} is the content of golden file {@code name} ({@code status/detached.txt}). */
  public static void assertMatches(String name, String actual) {
    check(Path.of(System.getProperty("basedir", "")).resolve(DIR), name, actual, updating());
  }

  /** Compares {@code actual} with file {@code name} below {@code dir}; when {@code update}, rewrites it instead. */
  static void check(Path dir, String name, String actual, boolean update) {
    Path file = dir.resolve(name);
    String expected = read(file);
    if (actual.equals(expected)) {
      return;
    }
    if (update) {
      write(file, actual);
      return;
    }
    String how = "; if the new output is right, run the tests with -Dvfioctl.golden.update=true";
    if (expected == null) {
      throw new AssertionFailedError("no golden file " + DIR + "/" + name + how + " to create it", null, actual);
    }
    throw new AssertionFailedError("output differs from " + DIR + "/" + name + how + " (- golden, + actual):\n"
        + diff(expected, actual), expected, actual);
  }

  private static boolean updating() {
    return Boolean.getBoolean("vfioctl.golden.update") || "1".equals(System.getenv("VFIOCTL_UPDATE_GOLDEN"));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines that differ, with {@value #CONTEXT} lines of context, each hunk headed by its golden line number. */
  static String diff(String expected, String actual) {
    String[] a = lines(expected);
    String[] b = lines(actual);
    // common[i][j]: the longest common subsequence of a[i..] and b[j..]
    int[][] common = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<String> lines = new ArrayList<>();
    List<Integer> goldenLine = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      goldenLine.add(i + 1);
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        lines.add("  " + a[i++]);
        j++;
      } else if (j == b.length || (i < a.length && common[i + 1][j] >= common[i][j + 1])) {
        lines.add("- " + a[i++]);
      } else {
        lines.add("+ " + b[j++]);
      }
    }
    StringBuilder out = new StringBuilder();
    int shownUpTo = -1;
    for (int k = 0; k < lines.size(); k++) {
      if (lines.get(k).startsWith(" ")) {
        continue;
      }
      int from = Math.max(Math.max(k - CONTEXT, shownUpTo + 1), 0);
      if (from > shownUpTo + 1 || shownUpTo < 0) {
        out.append("@@ golden line ").append(goldenLine.get(from)).append('\n');
      }
      int to = Math.min(k + CONTEXT, lines.size() - 1);
      for (int l = from; l <= to; l++) {
        out.append(lines.get(l)).append('\n');
      }
      shownUpTo = Math.max(shownUpTo, to);
    }
    return out.toString();
  }

  private static String[] lines(String text) {
    if (text.isEmpty()) {
      return new String[0];
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1).split("\n", -1)
        : (text + "\n(no newline at the end)").split("\n", -1);
  }
}
