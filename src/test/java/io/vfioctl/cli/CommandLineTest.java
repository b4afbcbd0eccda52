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
    // The message used to leave out domain, with which --dry-run goes; it now comes from the table.
    assertEquals("vfioctl: --dry-run goes with set-override, unset-override, load-override, detach, reattach, domain and"
        + " libvirt-hook\n",
        m.run("--dry-run", "list-devices").err());
    assertEquals(1, m.run("--all", "list-devices").code());
  }

  @Test
  void jsonIsRefusedByCommandsThatPrintNoDocument() {
    TestMachine m = new TestMachine(root);
    for (String[] args : new String[][] {{"--json", "recover"}, {"libvirt-hook", "guest", "prepare", "begin", "-", "--json"}}) {
      Result r = m.run(args);
      assertEquals(1, r.code(), r::toString);
      assertEquals("vfioctl: --json goes with the list commands, vfio-driver, status and domain\n", r.err());
      assertEquals(Usage.TEXT, r.out());
    }
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void forceAndNoIommuGoWithDomainPrepareOnly() {
    TestMachine m = new TestMachine(root);
    for (String action : List.of("check", "release")) {
      for (String option : List.of("--force", "--noiommu")) {
        Result r = m.run("domain", action, "-", option);
        assertEquals(1, r.code(), r::toString);
        assertEquals("vfioctl: " + option + " goes with set-override, load-override, detach and domain prepare\n",
            r.err());
      }
    }
    Result prepare = m.runWith("vfioctl", main -> main.stdin(new java.io.ByteArrayInputStream(
        "<domain><name>g</name></domain>".getBytes(java.nio.charset.StandardCharsets.UTF_8))),
        "domain", "prepare", "-", "--force", "--noiommu");
    assertEquals(0, prepare.code(), prepare::toString);
  }

  @Test
  void statusTakesDevicesOrAllButNotBoth() {
    TestMachine m = new TestMachine(root);
    Result r = m.run("status", TestMachine.NIC, "--all");
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: status takes [device...] (or --all alone)\n", r.err());
    assertEquals(Usage.TEXT, r.out());
    assertEquals(0, m.run("status", "--all").code());
    assertEquals(0, m.run("status", TestMachine.NIC).code());
  }

  @Test
  void eachOptionIsRefusedWithWhatTheTableSaysItGoesWith() {
    TestMachine m = new TestMachine(root);
    int checked = 0;
    for (Option o : Option.values()) {
      if (o.global()) {
        continue;
      }
      Result r = o.takesValue() ? m.run("recover", o.spelling(), "x") : m.run("recover", o.spelling());
      assertEquals(1, r.code(), r::toString);
      assertEquals("vfioctl: " + o.spelling() + " goes with " + Commands.goesWith(o) + "\n", r.err());
      checked++;
    }
    assertEquals(9, checked);
    assertEquals("set-override, unset-override, detach and reattach", Commands.goesWith(Option.GROUP));
    assertEquals("vfio-driver, load-override and status", Commands.goesWith(Option.ALL));
  }

  @Test
  void usageSaysWhichCommandsEachOptionGoesWith() {
    String usage = Usage.TEXT.replaceAll("\\s+", " ");
    for (Option o : Option.values()) {
      if (!o.global()) {
        assertTrue(usage.contains(" " + o.help + " (with " + Commands.goesWith(o) + ") "), o + " in " + Usage.TEXT);
      }
    }
    assertTrue(usage.contains(" --dry-run Print the planned writes and module loads; change nothing (with set-override,"
        + " unset-override, load-override, detach, reattach, domain and libvirt-hook) "), Usage.TEXT);
    // The commands' lines name only options the table gives them.
    String commands = Usage.TEXT.substring(Usage.TEXT.indexOf("vfioctl commands:"), Usage.TEXT.indexOf("vfioctl options:"));
    int named = 0;
    for (String line : commands.lines().toList()) {
      String[] words = line.strip().split("[\\s\\[\\]|]+");
      for (Command c : Commands.all()) {
        if (!c.word().equals(words[0])) {
          continue;
        }
        for (String w : words) {
          if (w.startsWith("--")) {
            assertTrue(c.accepts(Option.spelled(w)), c.name() + " " + w + " in the usage");
            named++;
          }
        }
      }
    }
    assertEquals(5, named, commands);
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
    assertEquals("vfioctl: --json goes with the list commands, vfio-driver, status and domain\n",
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
