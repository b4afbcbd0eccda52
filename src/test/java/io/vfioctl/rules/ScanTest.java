package io.vfioctl.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.bench.HostGenerator;
import io.vfioctl.host.Host;
import io.vfioctl.host.RecordedModules;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.RootSysfs;
import io.vfioctl.sysfs.SysfsReadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanTest {
  @TempDir static Path tmp;

  private static final String RULES = """
      [Match]
      Vendor=8086 15b3
      PhysicalFunction=*
      VirtualFunctionIndex=0-15
      [Bind]
      Driver=vfio
      ---
      [Match]
      Class=network
      PhysicalFunction=!*
      [Bind]
      Driver=none
      ---
      [Match]
      Class=display
      [Bind]
      Driver=vfio
      Group=yes
      """;

  private static RuleSet rules() {
    List<Rule> rules = new ArrayList<>();
    String[] texts = RULES.split("---\n");
    for (int i = 0; i < texts.length; i++) {
      rules.add(RuleParser.parse(i + "0-scan.conf", texts[i]).rule());
    }
    return new RuleSet(rules, List.of(), List.of(), List.of());
  }

  private static Host host(Path root) {
    return new Host(root, new RootSysfs(new ConfinedRoot(root)), new RecordedModules());
  }

  private static Path generated(String name, int n) throws Exception {
    Path root = tmp.resolve(name);
    Path aliases = Path.of(ScanTest.class.getResource("/io/vfioctl/fixtures/debian-6.12.95+deb12-amd64-modules.alias")
        .toURI());
    HostGenerator.generate(root, n, 11, aliases, false);
    return root;
  }

  /** A host large enough for two threads gets the answer each device gets matched alone. */
  @Test
  void twoThreadsFindWhatEachDeviceMatchedAloneFinds() throws Exception {
    Path root = generated("big", Scan.PARALLEL_FROM + 300);
    RuleSet rules = rules();
    Host host = host(root);
    List<FactsReader.Device> devices = new FactsReader(host, "pci", new VfioResolver(host))
        .readAll(rules.keysUsed(), Map.of());
    assertTrue(devices.size() >= Scan.PARALLEL_FROM, "two threads: " + devices.size());
    List<List<Rule>> scanned = Scan.matching(rules, devices, d -> false, (d, matching) -> {
      if (!matching.get(0).keepsHostDriver()) {
        d.groupMembers();
      }
    });
    Host fresh = host(root);
    List<FactsReader.Device> alone = new FactsReader(fresh, "pci", new VfioResolver(fresh))
        .readAll(rules.keysUsed(), Map.of());
    int matched = 0;
    for (int i = 0; i < alone.size(); i++) {
      List<Rule> expected = rules.matching(alone.get(i));
      assertEquals(expected.isEmpty() ? null : expected, scanned.get(i), alone.get(i).address());
      matched += expected.isEmpty() ? 0 : 1;
      if (!expected.isEmpty() && !expected.get(0).keepsHostDriver()) {
        assertEquals(alone.get(i).groupMembers(), devices.get(i).groupMembers(), "read in the scan");
      }
    }
    assertTrue(matched > 100, "the rules match: " + matched);
  }

  /** What refuses a file in the second thread (a FIFO for a modalias) reaches the caller, as it would alone. */
  @Test
  void aRefusalInTheSecondThreadReachesTheCaller() throws Exception {
    Path root = generated("fifo", Scan.PARALLEL_FROM + 64);
    Path devices = root.resolve("sys/bus/pci/devices");
    List<String> names;
    try (var s = Files.list(devices)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    Path last = devices.resolve(names.get(names.size() - 1)).toRealPath().resolve("modalias");
    Files.delete(last);
    new ProcessBuilder("mkfifo", last.toString()).start().waitFor();
    RuleSet rules = rules();
    Host host = host(root);
    assertTrue(Files.exists(last) && !Files.isRegularFile(last), last + " is a FIFO");
    assertThrows(SysfsReadException.class, () -> host.sysfs().read("/sys/bus/pci/devices/" + names.get(names.size() - 1)
        + "/modalias"), "refused alone");
    List<FactsReader.Device> all = new FactsReader(host, "pci", new VfioResolver(host)).readAll(rules.keysUsed(), Map.of());
    assertThrows(SysfsReadException.class, () -> Scan.matching(rules, all, d -> false, (d, matching) -> { }));
  }
}
