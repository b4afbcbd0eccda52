package io.vfioctl.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes and the temporary files that a killed writer leaves. */
class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void temporaryNamesAreThoseOfTheRegularExpression() {
    String regex = "\\..+\\.[0-9]+\\.tmp";
    List<String> names = List.of(".pci-0000:00:02.0.12345.tmp", ".a.1.tmp", "..1.tmp", ".a..1.tmp", ".a.1.2.tmp",
        ".a.x1.tmp", ".a.1x.tmp", ".a..tmp", ".a.1.tmp.", "a.1.tmp", ".a.1.TMP", ".\n.1.tmp", ".a\u2028b.1.tmp",
        ".a\u0085.7.tmp", ".a.\u0661.tmp", ".tmp", "..tmp", "...tmp", ".a.1tmp", ".ab.99999999999999999999.tmp");
    for (String name : names) {
      assertEquals(name.matches(regex), AtomicFiles.isTemporary(name), name);
    }
    Random random = new Random(7);
    String alphabet = ".0123456789atmp\n-";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder(random.nextBoolean() ? "." : "");
      for (int n = random.nextInt(9); n > 0; n--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String name = b.append(random.nextInt(4) == 0 ? "" : ".tmp").toString();
      assertEquals(name.matches(regex), AtomicFiles.isTemporary(name), name);
    }
  }

  @Test
  void writeLeavesOnlyTheFileReadableByAllAndItsTemporariesAreOfTheStaleKind() throws IOException {
    AtomicFiles.write(dir.resolve("sub"), "pci-0000:00:02.0", "vfio-pci\n".getBytes());
    AtomicFiles.write(dir.resolve("sub"), "pci-0000:00:02.0", "e1000e\n".getBytes());
    Path file = dir.resolve("sub/pci-0000:00:02.0");
    assertEquals("e1000e\n", Files.readString(file));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (Stream<Path> files = Files.list(dir.resolve("sub"))) {
      assertEquals(List.of(file), files.toList());
    }
    Files.writeString(dir.resolve("sub/.pci-0000:00:02.0." + ProcessHandle.current().pid() + "1.tmp"), "left\n");
    assertEquals(1, AtomicFiles.removeStaleTemporaries(dir.resolve("sub")));
    AtomicFiles.write(dir.resolve("sub"), "pci-0000:00:02.0", "vfio-pci\n".getBytes());
    assertTrue(Files.exists(file));
  }
}
