package io.vfioctl.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.host.Host;
import io.vfioctl.host.RecordedModules;
import io.vfioctl.host.RootLayout;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.testing.ForwardingSysfs;
import io.vfioctl.sysfs.RootSysfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Matching reads a device's facts only as far as a rule needs them; where a device's files are read. */
class LazyMatchingTest {
  @TempDir Path base;

  /** A device whose every fact asked for is noted. */
  static final class Asked implements Facts {
    final List<String> asked = new ArrayList<>();
    final DeviceFacts d;

    Asked(DeviceFacts d) {
      this.d = d;
    }

    private <T> T ask(String what, T value) {
      asked.add(what);
      return value;
    }

    public String address() { return ask("address", d.address()); }
    public String vendor() { return ask("vendor", d.vendor()); }
    public String device() { return ask("device", d.device()); }
    public String subsystemVendor() { return ask("subsystemVendor", d.subsystemVendor()); }
    public String subsystemDevice() { return ask("subsystemDevice", d.subsystemDevice()); }
    public String classCode() { return ask("class", d.classCode()); }
    public List<String> drivers() { return ask("drivers", d.drivers()); }
    public Optional<DefaultDriver> defaultDriver() { return ask("defaultDriver", d.defaultDriver()); }
    public String numaNode() { return ask("numaNode", d.numaNode()); }
    public Optional<String> physfn() { return ask("physfn", d.physfn()); }
    public OptionalInt vfIndex() { return ask("vfIndex", d.vfIndex()); }
    public List<String> pfInterfaces() { return ask("pfInterfaces", d.pfInterfaces()); }
  }

  @Test
  void aRuleTestsItsCheapestKeysFirst() {
    Rule r = RuleParserTest.rule("PhysicalFunction=*\nDevice=2204\nVendor=10de\nAddress=0000:02:*", "Driver=vfio");
    Asked gpu = new Asked(RuleParserTest.gpu());
    assertFalse(r.matches(gpu));
    assertEquals(List.of("address"), gpu.asked, "the address fails: nothing else is read");
    Rule ids = RuleParserTest.rule("Driver=nvidia\nDevice=2204\nVendor=1002", "Driver=vfio");
    Asked other = new Asked(RuleParserTest.gpu());
    assertFalse(ids.matches(other));
    assertEquals(List.of("vendor"), other.asked);
    Asked all = new Asked(RuleParserTest.gpu());
    assertTrue(RuleParserTest.rule("Driver=nvidia\nDevice=2204\nVendor=10de", "Driver=vfio").matches(all));
    assertEquals(List.of("vendor", "device", "drivers"), all.asked);
  }

  @Test
  void theMatcherOfManyDevicesAsksWhatEachRuleAsksInTheSameOrder() {
    List<Rule> rules = List.of(
        RuleParserTest.rule("PhysicalFunction=*\nDevice=2204\nVendor=10de\nAddress=0000:02:*", "Driver=vfio"),
        RuleParserTest.rule("Driver=nvidia\nDevice=2204\nVendor=1002", "Driver=vfio"),
        RuleParserTest.rule("NumaNode=0\nDriver=nv*\nClass=display\nVendor=10de", "Driver=vfio"),
        RuleParserTest.rule("PhysicalInterface=eth*\nVirtualFunctionIndex=0-3\nVendor=8086", "Driver=vfio"),
        RuleParserTest.rule("Device=!2204\nSubsystemVendor=1458", "Driver=none"));
    for (DeviceFacts d : List.of(RuleParserTest.gpu(), RuleParserTest.vf("0000:02:00.1", "0000:02:00.0", 2, "eth0"))) {
      Asked one = new Asked(d);
      List<Rule> expected = new ArrayList<>();
      for (Rule r : rules) {
        if (r.matches(one)) {
          expected.add(r);
        }
      }
      Asked many = new Asked(d);
      assertEquals(expected, new RuleMatcher(rules).matching(many));
      assertEquals(one.asked, many.asked);
    }
  }

  @Test
  void theFiveIdsComeFromModaliasInOneRead() throws IOException {
    Path root = Files.createDirectories(base.resolve("ids"));
    RootLayout layout = new RootLayout(root).device("0000:00:02.0", 0x10de, 0x2204, 0x030000, "(null)", "nvidia")
        .device("0000:00:03.0", 0x8086, 0x154c, 0x020000, "(null)", null)
        .device("0000:00:04.0", 0x1af4, 0x1041, 0x020000, "(null)", null);
    Files.writeString(layout.deviceDir("0000:00:02.0").resolve("subsystem_vendor"), "0x1458\n");
    Files.writeString(layout.deviceDir("0000:00:02.0").resolve("modalias"),
        "pci:v000010DEd00002204sv00001458sd00000000bc03sc00i00\n");
    Files.delete(layout.deviceDir("0000:00:03.0").resolve("modalias"));
    Files.writeString(layout.deviceDir("0000:00:04.0").resolve("modalias"), "pci:v00001AF4d00001041\n");
    List<String> reads = new ArrayList<>();
    Host host = recording(root, reads, false);
    Set<MatchKey> ids = EnumSet.of(MatchKey.VENDOR, MatchKey.DEVICE, MatchKey.SUBSYSTEM_VENDOR,
        MatchKey.SUBSYSTEM_DEVICE, MatchKey.CLASS);
    List<FactsReader.Device> devices = new FactsReader(host, "pci", new VfioResolver(host)).read(ids, Map.of());
    reads.clear();
    DeviceFacts gpu = devices.get(0).facts();
    assertEquals(List.of("10de", "2204", "1458", "0000", "030000"), List.of(gpu.vendor(), gpu.device(),
        gpu.subsystemVendor(), gpu.subsystemDevice(), gpu.classCode()));
    assertEquals(List.of("modalias"), reads, "one read for all five");
    reads.clear();
    DeviceFacts vf = devices.get(1).facts();
    assertEquals(List.of("8086", "154c", "8086", "154c", "020000"), List.of(vf.vendor(), vf.device(),
        vf.subsystemVendor(), vf.subsystemDevice(), vf.classCode()));
    assertEquals(List.of("modalias", "vendor", "device", "subsystem_vendor", "subsystem_device", "class"), reads,
        "no modalias: each ID's own file");
    reads.clear();
    DeviceFacts cut = devices.get(2).facts();
    assertEquals(List.of("1af4", "1041", "020000"), List.of(cut.vendor(), cut.device(), cut.classCode()));
    assertEquals(6, reads.size(), "a modalias not of the kernel's form: the files");
  }

  @Test
  void modaliasGivesTheIdsAsTheirFilesDo() {
    String[] ids = new String[MatchKey.values().length];
    ModaliasIds.parse("pci:v00008086d00001889sv0000ABCDsd0000ef01bc02sc00i00", ids);
    assertEquals(DeviceFacts.id("0x8086\n"), ids[MatchKey.VENDOR.ordinal()]);
    assertEquals("1889", ids[MatchKey.DEVICE.ordinal()]);
    assertEquals("abcd", ids[MatchKey.SUBSYSTEM_VENDOR.ordinal()]);
    assertEquals("ef01", ids[MatchKey.SUBSYSTEM_DEVICE.ordinal()]);
    assertEquals(DeviceFacts.id("0x020000\n"), ids[MatchKey.CLASS.ordinal()]);
    for (String odd : List.of("pci:v00018086d00001889sv0000ABCDsd0000EF01bc02sc00i00",
        "pci:v0000808Xd00001889sv0000ABCDsd0000EF01bc02sc00i00", "pci:v00008086d00001889sv0000ABCDsd0000EF01bc02sc00i0",
        "pci:v00008086d00001889sv0000ABCDsd0000EF01bc02sc00j00", "acpi:v00008086d00001889sv0000ABCDsd0000EF01bc02sc0i00",
        "pci:v00008086d00001889sv0000ABCDsd0000EF01bc02sc00i00 ")) {
      String[] none = new String[MatchKey.values().length];
      ModaliasIds.parse(odd, none);
      assertEquals(List.of(), java.util.Arrays.stream(none).filter(java.util.Objects::nonNull).toList(), odd);
    }
  }

  @Test
  void aDevicesFilesAreReadBelowWhereItsBusLinkLeads() throws IOException {
    Path root = Files.createDirectories(base.resolve("root"));
    Files.createDirectories(root.resolve("sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0"));
    Files.createDirectories(root.resolve("sys/bus/pci/devices"));
    Path devices = root.resolve("sys/bus/pci/devices");
    Files.createSymbolicLink(devices.resolve("0000:01:00.0"),
        Path.of("../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0"));
    Files.createSymbolicLink(devices.resolve("0000:02:00.0"), Path.of("/sys/devices/elsewhere"));
    Files.createSymbolicLink(devices.resolve("0000:03:00.0"), Path.of("../../../../../../x"));
    Files.createDirectories(devices.resolve("0000:04:00.0"));
    RootSysfs sysfs = new RootSysfs(new ConfinedRoot(root));
    String bus = "/sys/bus/pci/devices/";
    assertEquals("/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0", DeviceDirs.realDir(sysfs, bus + "0000:01:00.0"));
    assertEquals(bus + "0000:02:00.0", DeviceDirs.realDir(sysfs, bus + "0000:02:00.0"), "absolute: left as it is");
    assertEquals(bus + "0000:03:00.0", DeviceDirs.realDir(sysfs, bus + "0000:03:00.0"), "above /: left as it is");
    assertEquals(bus + "0000:04:00.0", DeviceDirs.realDir(sysfs, bus + "0000:04:00.0"), "no link");
  }

  /** The link's target joined by hand, against splitting it into components and joining them, on random links. */
  @Test
  void aLinkIsJoinedAsItsComponentsWouldBe() {
    java.util.Random random = new java.util.Random(16);
    String[] parts = {"..", ".", "", "sys", "devices", "pci0000:00", "0000:01:00.0", "x"};
    for (int round = 0; round < 20_000; round++) {
      StringBuilder link = new StringBuilder(random.nextInt(10) == 0 ? "/" : "");
      for (int i = 0; i < random.nextInt(9); i++) {
        link.append(i == 0 ? "" : "/").append(parts[random.nextInt(parts.length)]);
      }
      String dir = random.nextBoolean() ? "/sys/bus/pci/devices/0000:01:00.0" : "/sys/x";
      assertEquals(joinedByComponents(dir, link.toString()), DeviceDirs.joined(dir, link.toString()), dir + " -> " + link);
    }
  }

  private static String joinedByComponents(String dir, String link) {
    if (link.startsWith("/")) {
      return dir;
    }
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String part : (dir.substring(0, dir.lastIndexOf('/')) + "/" + link).split("/")) {
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return dir;
        }
        parts.removeLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    return parts.isEmpty() || !parts.peekFirst().equals("sys") ? dir : "/" + String.join("/", parts);
  }

  @Test
  void aDecisionReadsNoFactItsRulesDidNotAskFor() throws IOException {
    Path root = Files.createDirectories(base.resolve("decided"));
    RootLayout layout = new RootLayout(root).device("0000:00:02.0", 0x10de, 0x2204, 0x030000, "(null)", "nvidia")
        .device("0000:00:03.0", 0x8086, 0x154c, 0x020000, "(null)", null);
    Files.writeString(layout.deviceDir("0000:00:02.0").resolve("numa_node"), "0\n");
    List<String> reads = new ArrayList<>();
    Host host = recording(root, reads, true);
    // The second rule asks for the NUMA node, but only of one Intel device: the GPU's is never asked for.
    RuleSet rules = new RuleSet(List.of(RuleParserTest.rule("Vendor=10de", "Driver=vfio"),
        RuleParserTest.rule("Vendor=8086\nDevice=1111\nNumaNode=0", "Driver=vfio")), List.of(), List.of(), List.of());
    List<Decision> decisions = Decisions.of(host, "pci", rules, new VfioResolver(host));
    assertEquals(List.of("0000:00:02.0"), decisions.stream().map(Decision::address).toList());
    assertEquals("nvidia", decisions.get(0).hostDriver());
    assertFalse(reads.contains("numa_node"), "read: " + reads);
    assertFalse(reads.contains("physfn"), "read: " + reads);
  }

  @Test
  void theDefaultHostDriverIsAskedOnlyWhenNoDriverOfTheDeviceMatched() {
    Rule r = RuleParserTest.rule("Driver=nvidia\nVendor=10de", "Driver=vfio");
    Asked onNvidia = new Asked(RuleParserTest.gpu());
    assertTrue(r.matches(onNvidia));
    assertEquals(List.of("vendor", "drivers"), onNvidia.asked);
    DeviceFacts g = RuleParserTest.gpu();
    Asked unbound = new Asked(new DeviceFacts(g.address(), g.vendor(), g.device(), g.subsystemVendor(),
        g.subsystemDevice(), g.classCode(), List.of(), g.numaNode(), g.physfn(), g.vfIndex(), g.pfInterfaces(),
        Optional.of(new DefaultDriver("nvidia", ""))));
    assertTrue(r.matches(unbound));
    assertEquals(List.of("vendor", "drivers", "defaultDriver"), unbound.asked);
  }

  @Test
  void modulesAliasIsLookedAtOnlyForADriverKeyReachedOnADeviceWithoutAHostDriver() throws IOException {
    Path root = Files.createDirectories(base.resolve("defaults"));
    new RootLayout(root).kernel("6.12.0-sim", "alias pci:v000010DEd*sv*sd*bc*sc*i* nouveau\n"
            + "alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000\n")
        .device("0000:00:02.0", 0x10de, 0x2206, 0x030000, "(null)", "nvidia")
        .device("0000:00:03.0", 0x10de, 0x2204, 0x030000, "(null)", null)
        .device("0000:00:04.0", 0x10de, 0x2204, 0x030000, "vfio-pci", "vfio-pci")
        .device("0000:00:05.0", 0x8086, 0x100e, 0x020000, "(null)", null);
    Host host = recording(root, new ArrayList<>(), false);
    List<String> looked = new ArrayList<>();
    java.util.function.Function<String, Optional<DefaultDriver>> modules = FactsReader.fromModules(new VfioResolver(host));
    java.util.function.Function<String, Optional<DefaultDriver>> counting = m -> {
      looked.add(m);
      return modules.apply(m);
    };
    RuleSet noDriverKey = new RuleSet(List.of(RuleParserTest.rule("Vendor=10de\nClass=display", "Driver=vfio"),
        RuleParserTest.rule("Address=*\nDevice=!1111", "Driver=none")), List.of(), List.of(), List.of());
    assertEquals(List.of("0000:00:02.0", "0000:00:03.0", "0000:00:04.0", "0000:00:05.0"),
        matched(host, noDriverKey, counting));
    assertEquals(List.of(), looked, "no Driver= key: modules.alias is not read");
    RuleSet onlyForIntel = new RuleSet(List.of(RuleParserTest.rule("Vendor=8086\nDriver=e1000", "Driver=vfio"),
        RuleParserTest.rule("Address=0000:00:02.0\nDriver=nvidia", "Driver=vfio")), List.of(), List.of(), List.of());
    assertEquals(List.of("0000:00:02.0", "0000:00:05.0"), matched(host, onlyForIntel, counting));
    assertEquals(1, looked.size(), "only the Intel device without a driver: " + looked);
    looked.clear();
    RuleSet nouveau = new RuleSet(List.of(RuleParserTest.rule("Vendor=10de\nDriver=nouveau", "Driver=vfio")), List.of(),
        List.of(), List.of());
    assertEquals(List.of("0000:00:03.0", "0000:00:04.0"), matched(host, nouveau, counting));
    assertEquals(1, looked.size(), "not the one nvidia holds; the two without a host driver share one modalias: " + looked);
  }

  /** The devices some rule of {@code rules} matches. */
  private static List<String> matched(Host host, RuleSet rules,
      java.util.function.Function<String, Optional<DefaultDriver>> modules) {
    RuleMatcher matcher = rules.matcher();
    return new FactsReader(host, "pci", modules).read(rules.keysUsed(), Map.of()).stream()
        .filter(d -> !matcher.matching(d).isEmpty()).map(FactsReader.Device::address).toList();
  }

  @Test
  void aVfsIndexIsItsFirstPlaceAmongItsPfsVfs() {
    List<String> vfs = List.of("0000:02:00.1", "0000:02:00.2", "0000:02:00.1", "0000:02:00.3");
    Map<String, Integer> index = PfFacts.indexes(vfs);
    for (String vf : vfs) {
      assertEquals(vfs.indexOf(vf), index.get(vf), vf);
    }
    assertEquals(null, index.get("0000:02:00.4"));
  }

  /** A host on {@code root} that notes the name of each file read (and, with {@code links}, each link read). */
  private static Host recording(Path root, List<String> reads, boolean links) {
    return new Host(root, new ForwardingSysfs(new RootSysfs(new ConfinedRoot(root))) {
      @Override
      public Optional<String> read(String path) {
        reads.add(path.substring(path.lastIndexOf('/') + 1));
        return super.read(path);
      }

      @Override
      public Optional<String> linkName(String path) {
        if (links) {
          reads.add(path.substring(path.lastIndexOf('/') + 1));
        }
        return super.linkName(path);
      }
    }, new RecordedModules());
  }
}
