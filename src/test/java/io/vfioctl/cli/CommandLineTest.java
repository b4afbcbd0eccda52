package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.TestMachine;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
  @TempDir Path root;

  @Test
  void optionsMayStandBeforeOrAfterTheCommand() throws Exception {
    Options before = CommandLineParser.parse("--root", "/r", "-b", "pci", "--nosave", "set-override", "a", "b");
    Options after = CommandLineParser.parse("set-override", "a", "--nosave", "b", "--root=/r", "--bus=pci");
    assertEquals(before, after);
    assertEquals(Optional.of("/r"), before.root());
    assertEquals(List.of("a", "b"), before.arguments());
  }

  @Test
  void doubleDashEndsOptions() throws Exception {
    Options o = CommandLineParser.parse("set-override", "--", "a", "--json");
    assertEquals(List.of("a", "--json"), o.arguments());
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThrows(UsageException.class, () -> CommandLineParser.parse("--bogus", "list-devices"));
    assertThrows(UsageException.class, () -> CommandLineParser.parse("list-devices", "--root"));
    assertThrows(UsageException.class, () -> CommandLineParser.parse("--json=yes", "list-devices"));
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    Result r = new TestMachine(root).run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("Usage: vfioctl [OPTIONS...] {COMMAND}...\n"));
    assertTrue(r.out().contains("  list-persisted                    List all persisted overrides\n"));
  }

  @Test
  void noCommandPrintsUsageAndFails() {
    Result r = new TestMachine(root).run();
    assertEquals(1, r.code());
    assertEquals(Usage.TEXT, r.out());
  }

  @Test
  void wrongArgumentCountPrintsUsageOnStdoutAndOneLineOnStderr() {
    TestMachine m = new TestMachine(root);
    for (String[] args : new String[][] {{"set-override", "0000:00:02.0"}, {"unset-override"},
        {"list-devices", "a", "b"}, {"list-persisted", "x"}, {"frobnicate"}, {"--bogus", "list-devices"}}) {
      Result r = m.run(args);
      assertEquals(1, r.code(), r::toString);
      assertEquals(Usage.TEXT, r.out());
      assertEquals(1, r.err().lines().count(), r::toString);
    }
  }

  @Test
  void optionsThatDoNotFitTheCommandAreRefused() {
    TestMachine m = new TestMachine(root);
    assertEquals("vfioctl: --dry-run goes with set-override, unset-override, load-override, detach and reattach\n",
        m.run("--dry-run", "list-devices").err());
    assertEquals(1, m.run("--all", "list-devices").code());
  }

  @Test
  void versionIsPrinted() {
    Result r = new TestMachine(root).run("--version");
    assertEquals(0, r.code());
    assertEquals("vfioctl " + Main.VERSION + "\n", r.out());
  }

  @Test
  void emptyRootBadBusAndJsonOnChangesAreRefused() {
    TestMachine m = new TestMachine(root);
    assertEquals("vfioctl: --root needs a directory\n", m.run("--root=", "list-devices").err());
    assertEquals(1, m.run("-b", "../x", "list-devices").code());
    assertEquals(1, m.run("-b", "", "list-devices").code());
    assertEquals("vfioctl: --json goes with the list commands, vfio-driver and status\n",
        m.run("--json", "set-override", "0000:00:02.0", "vfio-pci").err());
    assertEquals(java.util.List.of(), m.kernel.writeLog());
  }

  @Test
  void anUnknownCommandOrOptionIsEchoedEscapedAndShort() {
    TestMachine m = new TestMachine(root);
    TestMachine.Result r = m.run("--\u001b[31m" + "x".repeat(500));
    assertEquals(1, r.code());
    String first = r.err().lines().findFirst().orElse("");
    assertTrue(first.startsWith("vfioctl: unknown option: --\\x1b[31m"), first);
    assertTrue(first.length() < 120, first);
    r = m.run("bogus\u001b]0;" + "y".repeat(500));
    first = r.err().lines().findFirst().orElse("");
    assertTrue(first.startsWith("vfioctl: unknown command: bogus\\x1b]0;"), first);
    assertTrue(first.length() < 120, first);
  }
}
