package io.vfioctl.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RuleParserTest {
  static final String F = "/etc/vfioctl/bind.d/50-x.conf";

  static Rule rule(String match, String bind) {
    RuleParser.Parsed p = RuleParser.parse(F, "[Match]\n" + match + "\n[Bind]\n" + bind + "\n");
    assertEquals(List.of(), p.errors());
    return p.rule();
  }

  static List<String> errors(String text) {
    RuleParser.Parsed p = RuleParser.parse(F, text);
    assertNull(p.rule(), "a file with an error is void");
    return p.errors();
  }

  static DeviceFacts gpu() {
    return new DeviceFacts("0000:01:00.0", "10de", "2204", "1458", "403b", "030000", List.of("nvidia"), "0",
        Optional.empty(), OptionalInt.empty(), List.of());
  }

  static DeviceFacts vf(String address, String pf, int index, String... pfNets) {
    return new DeviceFacts(address, "8086", "154c", "8086", "0000", "020000", List.of("iavf"), "1",
        Optional.of(pf), OptionalInt.of(index), List.of(pfNets));
  }

  @Test
  void readsTheIssuesExample() {
    RuleParser.Parsed p = RuleParser.parse(F, "# GPUs\n[Match]\nVendor=10de\nClass=display\n; c\n[Bind]\nDriver=vfio\n"
        + "Group=yes\n");
    Rule r = p.rule();
    assertEquals(2, r.line());
    assertEquals("vfio", r.driver());
    assertTrue(r.group());
    assertFalse(r.force());
    assertEquals("Vendor=10de Class=03???? -> vfio group", r.describe());
    assertEquals(F + ":2", r.where());
    assertEquals("50-x.conf", r.name());
    assertTrue(r.matches(gpu()));
  }

  @Test
  void hexIdsWithOrWithout0xAndPadded() {
    assertTrue(rule("Vendor=0x10DE", "Driver=vfio").matches(gpu()));
    assertTrue(rule("Device=2204", "Driver=vfio").matches(gpu()));
    assertTrue(rule("SubsystemVendor=0x1458", "Driver=vfio").matches(gpu()));
    assertTrue(rule("SubsystemDevice=403b", "Driver=vfio").matches(gpu()));
    assertFalse(rule("SubsystemDevice=403c", "Driver=vfio").matches(gpu()));
    assertEquals("Vendor=0086", rule("Vendor=86", "Driver=vfio").match().get(0).toString());
    assertTrue(rule("Device=22*", "Driver=vfio").matches(gpu()));
    assertTrue(rule("Device=220[0-9]", "Driver=vfio").matches(gpu()));
  }

  @Test
  void listsMatchAnyAndALeadingBangNegatesTheWholeList() {
    assertTrue(rule("Vendor=1002 10de", "Driver=vfio").matches(gpu()));
    assertFalse(rule("Vendor=!1002 10de", "Driver=vfio").matches(gpu()));
    assertTrue(rule("Vendor=!1002 8086", "Driver=vfio").matches(gpu()));
    assertTrue(rule("Vendor=! 1002", "Driver=vfio").matches(gpu()));
  }

  @Test
  void classByHexGlobOrTypeWord() {
    assertTrue(rule("Class=030000", "Driver=vfio").matches(gpu()));
    assertTrue(rule("Class=0x03*", "Driver=vfio").matches(gpu()));
    assertTrue(rule("Class=display", "Driver=vfio").matches(gpu()));
    assertFalse(rule("Class=network storage", "Driver=vfio").matches(gpu()));
    assertTrue(rule("Class=network", "Driver=vfio").matches(vf("0000:02:10.0", "0000:02:00.0", 0)));
    assertEquals(List.of(F + ":2: bad Class value 0300: 6 hex digits (globs allowed) or a type word: storage,"
        + " network, display, multimedia, memory, bridge, communication, system, input, docking, processor, serial"),
        errors("[Match]\nClass=0300\n[Bind]\nDriver=vfio\n"));
  }

  @Test
  void addressAndNumaNodeAndDriver() {
    assertTrue(rule("Address=0000:01:00.*", "Driver=vfio").matches(gpu()));
    assertTrue(rule("Address=0000:01:00.0", "Driver=vfio").matches(gpu()));
    assertFalse(rule("Address=0000:02:*", "Driver=vfio").matches(gpu()));
    assertTrue(rule("NumaNode=0", "Driver=vfio").matches(gpu()));
    assertFalse(rule("NumaNode=1", "Driver=vfio").matches(gpu()));
    assertTrue(rule("Driver=nv*", "Driver=vfio").matches(gpu()));
    assertFalse(rule("Driver=!nvidia nouveau", "Driver=vfio").matches(gpu()));
  }

  @Test
  void virtualFunctionsByPfAddressOrInterfaceAndIndexRanges() {
    Rule byPf = rule("PhysicalFunction=0000:02:00.0\nVirtualFunctionIndex=0-3,7", "Driver=vfio");
    assertTrue(byPf.matches(vf("0000:02:10.0", "0000:02:00.0", 0)));
    assertTrue(byPf.matches(vf("0000:02:10.6", "0000:02:00.0", 3)));
    assertFalse(byPf.matches(vf("0000:02:10.7", "0000:02:00.0", 4)));
    assertTrue(byPf.matches(vf("0000:02:11.1", "0000:02:00.0", 7)));
    assertFalse(byPf.matches(vf("0000:03:10.0", "0000:03:00.0", 0)));
    assertFalse(byPf.matches(gpu()), "a device that is no VF has no PF");
    Rule byNet = rule("PhysicalInterface=ens1f*\nVirtualFunctionIndex=2 5-6", "Driver=vfio");
    assertTrue(byNet.matches(vf("0000:02:10.4", "0000:02:00.0", 2, "ens1f0")));
    assertTrue(byNet.matches(vf("0000:02:10.4", "0000:02:00.0", 6, "ens1f0")));
    assertFalse(byNet.matches(vf("0000:02:10.4", "0000:02:00.0", 4, "ens1f0")));
    assertFalse(byNet.matches(vf("0000:02:10.4", "0000:02:00.0", 2, "eno1")));
    assertTrue(rule("PhysicalFunction=0000:02:00.*", "Driver=vfio").matches(vf("0000:02:10.4", "0000:02:00.1", 9)));
  }

  @Test
  void theReadmesExamplesAreValidRules() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
    int found = 0;
    for (String block : readme.split("\n\n")) {
      if (block.startsWith("    # /etc/vfioctl/bind.d/")) {
        String text = block.lines().map(l -> l.substring(4)).reduce("", (a, b) -> a + b + "\n");
        assertEquals(List.of(), RuleParser.parse("README", text).errors(), text);
        found++;
      }
    }
    assertEquals(5, found);
  }

  @Test
  void bindKeys() {
    Rule r = rule("Vendor=10de", "Driver=none\nGroup=no\nForce=yes");
    assertTrue(r.keepsHostDriver());
    assertFalse(r.group());
    assertTrue(r.force());
    assertEquals("vfio-pci", rule("Vendor=10de", "Driver=vfio-pci").driver());
  }

  @Test
  void everyMistakeVoidsTheFileWithFileAndLine() {
    assertEquals(List.of(F + ":2: unknown key Vendr in [Match]"), errors("[Match]\nVendr=10de\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":2: bad Vendor value 10dex: hex, 0x optional, up to 4 digits, globs allowed"),
        errors("[Match]\nVendor=10dex\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":3: [Match] a second time; a file holds one rule"),
        errors("[Match]\nVendor=10de\n[Match]\nDevice=1234\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":3: Vendor= a second time; put all its values on one line"),
        errors("[Match]\nVendor=10de\nVendor=1002\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":1: Vendor= outside a section; put it under [Match] or [Bind]"),
        errors("Vendor=10de\n[Match]\nDevice=1\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":3: unknown section [Install]; a rule has [Match] and [Bind]"),
        errors("[Match]\nVendor=10de\n[Install]\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":2: Vendor= has no value"), errors("[Match]\nVendor=\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":1: no [Match] keys: a rule that matches every device must say Address=*"),
        errors("[Match]\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":3: no Driver= in [Bind]: say vfio, a driver name or none"),
        errors("[Match]\nVendor=10de\n"));
    assertEquals(List.of(F + ":4: bad Group value maybe: yes or no"),
        errors("[Match]\nVendor=10de\n[Bind]\nGroup=maybe\nDriver=vfio\n"));
    assertEquals(List.of(F + ":2: VirtualFunctionIndex= goes with PhysicalFunction= or PhysicalInterface="),
        errors("[Match]\nVirtualFunctionIndex=1\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":2: bad VirtualFunctionIndex value 3-1: VF indexes and ranges such as 0-3,7"),
        errors("[Match]\nVirtualFunctionIndex=3-1\nPhysicalFunction=*\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":2: bad Address value 0000:01:00: a PCI address DDDD:BB:DD.F, globs allowed"),
        errors("[Match]\nAddress=0000:01:00\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":2: not a Key=value line: Vendor"), errors("[Match]\nVendor\n[Bind]\nDriver=vfio\n"));
    assertEquals(List.of(F + ":4: bad Driver value ../x: vfio, a driver name or none"),
        errors("[Match]\nVendor=1\n[Bind]\nDriver=../x\n"));
  }
}
