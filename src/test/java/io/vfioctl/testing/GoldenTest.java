package io.vfioctl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** Golden files: a match passes, a mismatch shows a diff, the update switch rewrites the file. */
class GoldenTest {
  @TempDir Path dir;

  @Test
  void aMismatchNamesTheFileAndTheSwitchAndShowsOnlyTheChangedLinesWithContext() throws Exception {
    Files.createDirectories(dir.resolve("status"));
    String golden = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
    Files.writeString(dir.resolve("status/x.txt"), golden);
    String actual = golden.replace("3\n", "three\n").replace("11\n", "eleven\n");
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> Golden.check(dir, "status/x.txt", actual, false));
    assertTrue(e.getMessage().startsWith("output differs from src/test/resources/golden/status/x.txt; if the new"
        + " output is right, run the tests with -Dvfioctl.golden.update=true (- golden, + actual):\n"), e.getMessage());
    assertEquals("""
        @@ golden line 1
          1
          2
        - 3
        + three
          4
          5
        @@ golden line 9
          9
          10
        - 11
        + eleven
          12
        """, e.getMessage().substring(e.getMessage().indexOf('\n') + 1));
    assertEquals(golden, e.getExpected().getValue());
    assertEquals(actual, e.getActual().getValue());
    assertEquals(golden, Files.readString(dir.resolve("status/x.txt")), "not rewritten");
    assertEquals("  x\n+ (no newline at the end)\n", Golden.diff("x\n", "x").replaceFirst("@@.*\n", ""));
    assertEquals("@@ golden line 1\n- x\n", Golden.diff("x\n", ""), "nothing is no line");
  }

  @Test
  void aMatchPassesAndTheUpdateSwitchWritesWhatDiffersOrIsMissing() throws Exception {
    Golden.check(dir, "missing.json", "{}\n", true);
    assertEquals("{}\n", Files.readString(dir.resolve("missing.json")));
    Golden.check(dir, "missing.json", "{}\n", false);
    Golden.check(dir, "missing.json", "[]\n", true);
    assertEquals("[]\n", Files.readString(dir.resolve("missing.json")));
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> Golden.check(dir, "none.txt", "x\n", false));
    assertTrue(e.getMessage().startsWith("no golden file src/test/resources/golden/none.txt;"), e.getMessage());
  }
}
