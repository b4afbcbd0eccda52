package io.vfioctl.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.sysfs.ConfinedRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFilesTest {
  @TempDir Path root;

  static final String GPU = "[Match]\nVendor=10de\n[Bind]\nDriver=vfio\n";

  void write(String dir, String name, String text) throws Exception {
    Path d = Files.createDirectories(root.resolve(dir.substring(1)));
    Files.writeString(d.resolve(name), text);
  }

  RuleSet read() {
    return new RuleFiles(new ConfinedRoot(root)).read();
  }

  static List<String> files(RuleSet set) {
    return set.rules().stream().map(Rule::file).toList();
  }

  @Test
  void noDirectoriesNoRules() {
    assertEquals(RuleSet.EMPTY, read());
    assertFalse(new RuleFiles(new ConfinedRoot(root)).any());
  }

  @Test
  void etcHidesRunHidesUsrLibAndNamesAreReadInLexicalOrder() throws Exception {
    write("/usr/lib/vfioctl/bind.d", "50-a.conf", GPU);
    write("/run/vfioctl/bind.d", "50-a.conf", GPU);
    write("/etc/vfioctl/bind.d", "50-a.conf", GPU);
    write("/usr/lib/vfioctl/bind.d", "10-z.conf", GPU);
    write("/run/vfioctl/bind.d", "70-b.conf", GPU);
    write("/etc/vfioctl/bind.d", "README", "not a rule");
    write("/etc/vfioctl/bind.d", ".hidden.conf", "not a rule");
    assertTrue(new RuleFiles(new ConfinedRoot(root)).any());
    assertEquals(List.of("/usr/lib/vfioctl/bind.d/10-z.conf", "/etc/vfioctl/bind.d/50-a.conf",
        "/run/vfioctl/bind.d/70-b.conf"), files(read()));
  }

  @Test
  void aLinkToDevNullMasksTheFileOfThatNameEverywhere() throws Exception {
    write("/usr/lib/vfioctl/bind.d", "50-a.conf", GPU);
    write("/usr/lib/vfioctl/bind.d", "60-b.conf", GPU);
    Files.createDirectories(root.resolve("etc/vfioctl/bind.d"));
    Files.createSymbolicLink(root.resolve("etc/vfioctl/bind.d/50-a.conf"), Path.of("/dev/null"));
    RuleSet set = read();
    assertEquals(List.of("/usr/lib/vfioctl/bind.d/60-b.conf"), files(set));
    assertEquals(List.of("/etc/vfioctl/bind.d/50-a.conf"), set.masked());
  }

  @Test
  void aVoidFileIsLeftOutAndTheOthersStillApply() throws Exception {
    write("/etc/vfioctl/bind.d", "10-bad.conf", "[Match]\nVendor=10de\nClas=display\n[Bind]\nDriver=vfio\n");
    write("/etc/vfioctl/bind.d", "20-good.conf", GPU);
    RuleSet set = read();
    assertEquals(List.of("/etc/vfioctl/bind.d/20-good.conf"), files(set));
    assertEquals(List.of("/etc/vfioctl/bind.d/10-bad.conf"), set.voids());
    assertEquals(List.of("/etc/vfioctl/bind.d/10-bad.conf:3: unknown key Clas in [Match]"), set.errors());
  }

  @Test
  void hostileFilesAreRefusedInOneLine() throws Exception {
    Path dir = Files.createDirectories(root.resolve("etc/vfioctl/bind.d"));
    Files.write(dir.resolve("1-latin1.conf"), new byte[] {'[', 'M', 'a', 't', 'c', 'h', ']', '\n', (byte) 0xe9, '\n'});
    Files.writeString(dir.resolve("2-nul.conf"), "[Match]\nVendor=10de\0\n");
    Files.writeString(dir.resolve("3-huge.conf"), "#".repeat(70_000));
    Files.createDirectories(dir.resolve("4-dir.conf"));
    Process p = new ProcessBuilder("mkfifo", dir.resolve("5-fifo.conf").toString()).start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0);
    Files.writeString(dir.resolve("6 space.conf"), GPU);
    Files.writeString(dir.resolve("7-good.conf"), GPU);
    RuleSet set = read();
    assertEquals(List.of("/etc/vfioctl/bind.d/7-good.conf"), files(set));
    assertEquals(List.of(
        "/etc/vfioctl/bind.d/6 space.conf: not a name vfioctl reads (printable ASCII, no spaces); rename it",
        "/etc/vfioctl/bind.d/1-latin1.conf: not UTF-8 text, not a rule file",
        "/etc/vfioctl/bind.d/2-nul.conf: a binary file (it holds NUL bytes), not a rule file",
        "/etc/vfioctl/bind.d/3-huge.conf: cannot read it: larger than 64 KiB, too large for a rule file",
        "/etc/vfioctl/bind.d/4-dir.conf: cannot read it: a directory, not a regular file",
        "/etc/vfioctl/bind.d/5-fifo.conf: cannot read it: a FIFO, not a regular file"), set.errors());
    assertEquals(6, set.voids().size());
  }

  @Test
  void linksStayInsideTheRoot() throws Exception {
    Path dir = Files.createDirectories(root.resolve("etc/vfioctl/bind.d"));
    Files.writeString(root.resolve("gpu.rule"), GPU);
    Files.createSymbolicLink(dir.resolve("50-link.conf"), Path.of("/gpu.rule"));
    assertEquals(List.of("/etc/vfioctl/bind.d/50-link.conf"), files(read()));
  }
}
