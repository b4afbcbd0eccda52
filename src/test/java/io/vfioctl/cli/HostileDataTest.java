package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vfioctl.testing.FakeRootTest;
import io.vfioctl.testing.TestMachine.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Hostile content in a root's files: one clear line or a safe answer, never a crash or raw output. */
class HostileDataTest extends FakeRootTest {

  void aliases(String text) throws IOException {
    Files.write(f.root.resolve("lib/modules/" + RELEASE + "/modules.alias"), text.getBytes(StandardCharsets.ISO_8859_1));
  }

  static void assertClean(Result r) {
    String all = r.out() + r.err();
    assertFalse(all.contains("internal error"), r::toString);
    assertFalse(all.chars().anyMatch(c -> c < ' ' && c != '\n'), () -> "raw control characters: " + r);
  }

  @Test
  void aNulByteInAModuleNameSkipsItsLine() throws IOException {
    aliases("alias vfio_pci:v*d*sv*sd*bc*sc*i* bad\0mod\n" + GENERIC_ALIAS);
    for (String[] args : new String[][] {{"vfio-driver", NIC}, {"vfio-driver", NIC, "--all"}, {"list-devices", "--vfio"}}) {
      Result r = f.run(args);
      assertEquals(0, r.code(), r::toString);
      assertClean(r);
    }
    assertEquals("vfio-pci\n", f.run("vfio-driver", NIC).out());
  }

  @Test
  void moduleNamesFromModulesAliasAreCheckedLikeUserInput() throws IOException {
    aliases("alias vfio_pci:v00008086d0000100Esv*sd*bc*sc*i* ../../../../tmp/evil_mod\n"
        + "alias vfio_pci:v00008086d0000100Esv*sd*bc*sc*i* \u001b[31mred_mod\n"
        + "alias vfio_pci:v00008086d0000100Esv*sd*\u001b[2Jbc*sc*i* clear_mod\n" + GENERIC_ALIAS);
    Result all = f.run("vfio-driver", NIC, "--all");
    assertEquals(0, all.code(), all::toString);
    assertFalse(all.out().contains("evil") || all.out().contains("red_mod") || all.out().contains("clear_mod"),
        all::toString);
    assertClean(all);
    Result set = f.run("--noprobe", "set-override", NIC, "vfio");
    assertEquals(0, set.code(), set::toString);
    assertEquals("vfio-pci\n", Files.readString(f.deviceDir(NIC).resolve("driver_override")));
  }

  @Test
  void driverNamesRegisteredInSysfsAreCheckedToo() throws IOException {
    Files.createDirectories(f.root.resolve("sys/module/vfio_pci/drivers/pci:\u001b[31mevil"));
    Result r = f.run("vfio-driver", NIC);
    assertEquals("vfio-pci\n", r.out(), r::toString);
    assertClean(r);
  }

  @Test
  void anOverrideThatIsNotUtf8IsListedAndReallyCleared() throws IOException {
    Path override = f.deviceDir(NIC).resolve("driver_override");
    Files.write(override, new byte[] {'v', 'f', 'i', 'o', '-', 'p', 'c', 'i', (byte) 0xff, '\n'});
    assertEquals(NIC + " e1000 [*]\n", f.run("list-devices").out());
    assertEquals(NIC + " e1000\n", f.run("list-overrides").out());
    Result r = f.run("unset-override", NIC);
    assertEquals(0, r.code(), r::toString);
    assertEquals("\n", Files.readString(override), "cleared");
  }

  @Test
  void listPersistedPrintsOddContentEscapedOnItsOwnLine() throws IOException {
    f.persisted("pci-0000:00:02.0", "vfio-pci\n0000:00:09.0 forged\n")
        .persisted("pci-0000:00:03.0", "\u001b]0;pwned\u0007vfio-pci\n")
        .persisted("pci-0000:00:04.0", "vfio-pci\n")
        .persisted("pci-0000:00:05.0\u001b[2J", "vfio-pci\u202e\n");
    Result r = f.run("list-persisted");
    assertEquals(0, r.code(), r::toString);
    assertEquals("0000:00:02.0 vfio-pci\\x0a0000:00:09.0 forged\n"
        + "0000:00:03.0 \\x1b]0;pwned\\x07vfio-pci\n"
        + "0000:00:04.0 vfio-pci\n"
        // written as UTF-8, read as bytes: U+202E is E2 80 AE, and 0x80 is a C1 control
        + "0000:00:05.0\\x1b[2J vfio-pci\u00e2\\x80\u00ae\n", r.out());
    Result json = f.run("list-persisted", "--json");
    assertClean(json);
    assertFalse(json.out().chars().anyMatch(c -> c >= 0x7f && c <= 0x9f), json::toString);
  }

  @Test
  void vfioIsForPciDevicesOnly() throws IOException {
    Path platform = Files.createDirectories(f.root.resolve("sys/devices/platform/foo.0"));
    Files.writeString(platform.resolve("driver_override"), "(null)\n");
    Files.writeString(platform.resolve("modalias"), "platform:foo\n");
    Files.createDirectories(f.root.resolve("sys/bus/platform/devices"));
    Files.createSymbolicLink(f.root.resolve("sys/bus/platform/devices/foo.0"), Path.of("../../../devices/platform/foo.0"));
    String refusal = "vfioctl: vfio is for PCI devices; platform device foo.0 needs a driver name instead "
        + "(vfio-platform, for instance)\n";
    for (String[] args : new String[][] {{"-b", "platform", "--noprobe", "set-override", "foo.0", "vfio"},
        {"-b", "platform", "vfio-driver", "foo.0"}, {"--noprobe", "set-override", "platform/foo.0", "vfio"}}) {
      Result r = f.run(args);
      assertEquals(1, r.code(), r::toString);
      assertEquals(refusal, r.err(), r::toString);
    }
    assertEquals("(null)\n", Files.readString(platform.resolve("driver_override")));
  }

  @Test
  void aModaliasThatIsNoPciModaliasIsNamedNotRanked() throws IOException {
    Files.writeString(f.deviceDir(NIC).resolve("modalias"), "\u001b[2Jpci:v*\n");
    Result r = f.run("-v", "vfio-driver", NIC);
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: device " + NIC + " has modalias \\x1b[2Jpci:v*, not a PCI one, so no VFIO driver can be "
        + "chosen; force one with: vfioctl set-override " + NIC + " vfio-pci\n", r.err());
    assertEquals(NIC + " e1000 (unknown)\n", f.run("list-devices", "--vfio").out());
  }
}
