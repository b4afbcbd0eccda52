package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.FN1;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** rules list, check and apply on the standard simulated machine. */
class RulesCommandTest extends RulesMachineTest {
  /** What a saved file holds does not matter to the rules: one too large to read keeps them off its device too. */
  @Test
  void aSavedFileTheRulesCannotReadStillKeepsThemOff() {
    rule("50-e1000.conf", "Vendor=8086", "Driver=vfio-pci");
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n" + "#".repeat(8192) + "\n");
    Result check = ok("rules", "check");
    String line = check.out().lines().filter(l -> l.startsWith(NIC + " ")).findFirst().orElseThrow();
    assertTrue(line.endsWith("a saved override decides it (/etc/driverctl.d/pci-" + NIC + ")"), line);
    assertTrue(ok("rules", "apply").out().contains("0 failed"));
    assertEquals("e1000", m.driver(NIC), "left to its saved file");
  }

  @Test
  void aRuleByVendorAndDeviceBindsTheVariantDriverAndASecondApplyChangesNothing() throws Exception {
    rule("50-edu.conf", "Vendor=0x1234\nDevice=11e8", "Driver=vfio");
    assertEquals("rules apply: 1 bound, 0 returned, 0 already in effect, 0 failed\n", ok("rules", "apply").out());
    assertEquals("edu-vfio-variant", m.driver(EDU));
    assertEquals(null, m.persisted(EDU), "a rule saves no per-address override");
    assertEquals(EDU + " 50-edu.conf -\n", owned());
    assertTrue(ok("status", EDU).out().contains("\n  rule         50-edu.conf (binding rule; vfioctl rules check)\n"));
    assertTrue(ok("status", "--json", EDU).out().contains("\"rule\": \"50-edu.conf\""));
    String listed = ok("list-devices", "--json").out();
    assertTrue(listed.contains("\"rule\": \"50-edu.conf\""), listed);
    assertTrue(listed.contains("\"rule\": null"), "a device no rule owns: " + listed);
    int writes = m.kernel.writeLog().size();
    assertEquals("rules apply: 0 bound, 0 returned, 1 already in effect, 0 failed\n", ok("rules", "apply").out());
    assertEquals(writes, m.kernel.writeLog().size(), "everything in effect: nothing written");
  }

  @Test
  void aNoneRuleReadFirstKeepsADeviceALaterClassRuleWouldTake() {
    rule("10-keep-nic.conf", "Address=" + NIC, "Driver=none");
    rule("50-net.conf", "Class=network\nVendor=!1af4", "Driver=vfio\nGroup=yes");
    Result r = ok("rules", "apply");
    assertEquals("rules apply: 1 bound, 0 returned, 1 already in effect, 0 failed\n", r.out(), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertEquals("vfio-pci", m.driver(FN0));
    assertEquals("vfio-pci", m.driver(FN1), "Group=yes takes FN0's group along");
    assertEquals("virtio-pci", m.driver(VIRTIO), "negated vendor");
  }

  @Test
  void removingARuleReturnsOnlyTheDevicesThatRuleOwned() throws Exception {
    rule("50-edu.conf", "Vendor=1234", "Driver=vfio");
    rule("60-virtio.conf", "Vendor=1af4", "Driver=vfio-pci");
    ok("rules", "apply");
    assertEquals("vfio-pci", m.driver(VIRTIO));
    ok("detach", NIC);
    Files.delete(root.resolve(BIND_D + "50-edu.conf"));
    Result r = ok("rules", "apply");
    assertEquals("rules apply: 0 bound, 1 returned, 1 already in effect, 0 failed\n", r.out());
    assertEquals(null, m.driver(EDU), "edu has no host driver: back to none");
    assertEquals(null, m.override(EDU));
    assertEquals("vfio-pci", m.driver(VIRTIO));
    assertEquals("vfio-pci", m.driver(NIC), "what detach took is not the rules' to return");
    assertEquals(VIRTIO + " 60-virtio.conf virtio-pci\n", owned());
  }

  @Test
  void aSavedOverrideAndADetachedDeviceBeatEveryRule() {
    ok("set-override", VIRTIO, "virtio-pci");
    ok("detach", FN0);
    rule("50-all.conf", "Address=*", "Driver=vfio");
    Result check = ok("rules", "check");
    assertTrue(check.out().contains(VIRTIO + " /etc/vfioctl/bind.d/50-all.conf:1: vfio-pci, in effect; a saved"
        + " override decides it (/etc/driverctl.d/pci-" + VIRTIO + ")") || check.out().contains("a saved override"
        + " decides it"), check::toString);
    ok("rules", "apply");
    assertEquals("virtio-pci", m.driver(VIRTIO));
    assertTrue(m.detachedFrom(FN0) != null);
    assertEquals("edu-vfio-variant", m.driver(EDU));
  }

  @Test
  void aDeviceInUseIsRefusedUnlessForceWhileTheOthersGoOn() {
    eth0Up();
    rule("50-intel.conf", "Vendor=8086", "Driver=vfio\nGroup=yes");
    Result check = ok("rules", "check");
    assertTrue(check.out().contains(NIC + " /etc/vfioctl/bind.d/50-intel.conf:1: vfio-pci, not in effect; in use:"
        + " its interface eth0 is up with route 10.0.2.0/24; selected but refused\n"), check::toString);
    Result r = m.run("rules", "apply");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: " + NIC + " is in use: its interface eth0 is up"), r::toString);
    assertEquals("rules apply: 1 bound, 0 returned, 1 already in effect, 1 failed\n", r.out(), "FN1 went with FN0");
    assertEquals("e1000", m.driver(NIC));
    assertEquals("vfio-pci", m.driver(FN0));
    rule("50-intel.conf", "Vendor=8086", "Driver=vfio\nForce=yes");
    assertTrue(ok("rules", "check").out().contains("(Force=yes takes it)"));
    r = ok("rules", "apply");
    assertTrue(r.err().contains("warning: taking " + NIC + " from e1000"), r::toString);
    assertEquals("vfio-pci", m.driver(NIC));
  }

  @Test
  void aVoidFileIsReportedTheOthersApplyAndTheExitIsNonZero() {
    rule("10-typo.conf", "Vendr=1af4", "Driver=vfio");
    rule("50-edu.conf", "Vendor=1234", "Driver=vfio");
    Result r = m.run("rules", "apply");
    assertEquals(1, r.code());
    assertEquals("vfioctl: /etc/vfioctl/bind.d/10-typo.conf:2: unknown key Vendr in [Match]\n", r.err());
    assertEquals("edu-vfio-variant", m.driver(EDU));
    assertEquals("virtio-pci", m.driver(VIRTIO));
    Result list = m.run("rules", "list");
    assertEquals(1, list.code());
    assertEquals("/etc/vfioctl/bind.d/50-edu.conf:1: Vendor=1234 -> vfio\n/etc/vfioctl/bind.d/10-typo.conf: void\n",
        list.out());
  }

  @Test
  void listShowsMaskedFilesAndCheckShadowingAndUnmatchedRules() throws Exception {
    m.write("usr/lib/vfioctl/bind.d/20-vendor.conf", "[Match]\nVendor=1af4\n[Bind]\nDriver=vfio\n");
    m.write("usr/lib/vfioctl/bind.d/30-masked.conf", "[Match]\nVendor=1234\n[Bind]\nDriver=vfio\n");
    Files.createDirectories(root.resolve(BIND_D));
    Files.createSymbolicLink(root.resolve(BIND_D + "30-masked.conf"), java.nio.file.Path.of("/dev/null"));
    rule("40-virtio.conf", "Address=" + VIRTIO, "Driver=vfio-pci");
    rule("90-nothing.conf", "Vendor=dead", "Driver=vfio");
    assertEquals("/usr/lib/vfioctl/bind.d/20-vendor.conf:1: Vendor=1af4 -> vfio\n"
        + "/etc/vfioctl/bind.d/40-virtio.conf:1: Address=" + VIRTIO + " -> vfio-pci\n"
        + "/etc/vfioctl/bind.d/90-nothing.conf:1: Vendor=dead -> vfio\n"
        + "/etc/vfioctl/bind.d/30-masked.conf: masked\n", ok("rules", "list").out());
    assertEquals(VIRTIO + " /usr/lib/vfioctl/bind.d/20-vendor.conf:1: vfio-pci, not in effect; also matches"
        + " /etc/vfioctl/bind.d/40-virtio.conf:1, shadowed by an earlier file\n"
        + "/etc/vfioctl/bind.d/90-nothing.conf:1: matches no device\n", ok("rules", "check").out());
    String json = ok("rules", "check", "--json").out();
    assertTrue(json.contains("\"device\": \"" + VIRTIO + "\""), json);
    assertTrue(json.contains("\"unmatched\": [\n    \"/etc/vfioctl/bind.d/90-nothing.conf:1\"\n  ]"), json);
    assertTrue(json.contains("\"inEffect\": false"), json);
  }

  @Test
  void aDryRunWritesNothingNotEvenTheRecord() throws Exception {
    rule("50-edu.conf", "Vendor=1234", "Driver=vfio");
    Result r = ok("rules", "apply", "--dry-run");
    assertTrue(r.out().startsWith("modprobe edu_vfio_pci\nwrite /sys/bus/pci/devices/" + EDU + "/driver_override"),
        r::toString);
    assertTrue(r.out().endsWith("\nrules apply: 1 bound, 0 returned, 0 already in effect, 0 failed\n"), r::toString);
    assertEquals(List.of(), m.kernel.writeLog());
    assertEquals("", owned());
    assertFalse(Files.exists(root.resolve("run/vfioctl/rules")));
  }

  @Test
  void aGroupRuleOwnsTheWholeGroupAndRemovingItReturnsTheGroupAndNothingElse() throws Exception {
    rule("50-fn0.conf", "Address=" + FN0, "Driver=vfio-pci\nGroup=yes");
    rule("60-virtio.conf", "Vendor=1af4", "Driver=vfio-pci");
    String taken = FN1 + " (no rule; in the IOMMU group " + FN0 + "'s Group=yes rule takes): moves with " + FN0
        + " to vfio-pci, ";
    assertTrue(ok("rules", "check").out().contains(taken + "not in effect\n"), "it still has its host driver");
    assertTrue(ok("rules", "check", "--json").out().contains("\"takenWith\": \"" + FN0 + "\",\n      \"action\": "
        + "\"nothing\",\n      \"driver\": \"vfio-pci\",\n      \"inEffect\": false"));
    assertEquals("rules apply: 2 bound, 0 returned, 0 already in effect, 0 failed\n", ok("rules", "apply").out());
    assertEquals("vfio-pci", m.driver(FN1));
    assertEquals(VIRTIO + " 60-virtio.conf virtio-pci\n" + FN0 + " 50-fn0.conf e1000\n" + FN1 + " 50-fn0.conf e1000\n",
        owned(), "the member the rule moved along is the rule's too");
    assertTrue(ok("rules", "check").out().contains(taken + "in effect\n"));
    int writes = m.kernel.writeLog().size();
    assertEquals("rules apply: 0 bound, 0 returned, 2 already in effect, 0 failed\n", ok("rules", "apply").out());
    assertEquals(writes, m.kernel.writeLog().size(), "the member is not returned while its group's rule holds");
    Files.delete(root.resolve(BIND_D + "50-fn0.conf"));
    assertEquals("rules apply: 0 bound, 2 returned, 1 already in effect, 0 failed\n", ok("rules", "apply").out());
    assertEquals("e1000", m.driver(FN0));
    assertEquals("e1000", m.driver(FN1), "the whole group returns");
    assertEquals("e1000", m.driver(NIC));
    assertEquals("vfio-pci", m.driver(VIRTIO), "and nothing else");
    assertEquals(VIRTIO + " 60-virtio.conf virtio-pci\n", owned());
  }

  @Test
  void aMemberInUseThatAGroupRuleTakesAlongIsShownInUseAndItsGroupsMoveRefused() {
    m.kernel.addLink("/sys/class/net/eth1", "../../devices/pci0000:00/" + FN1 + "/net/eth1")
        .addFile("/sys/class/net/eth1/flags", "0x1003");
    m.write("proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        + "eth1\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
    rule("50-fn0.conf", "Address=" + FN0, "Driver=vfio-pci\nGroup=yes");
    Result check = ok("rules", "check");
    assertTrue(check.out().contains(FN1 + " (no rule; in the IOMMU group " + FN0 + "'s Group=yes rule takes): moves with "
        + FN0 + " to vfio-pci, not in effect; in use: its interface eth1 is up with route 10.0.2.0/24; its group's move"
        + " is refused\n"), check::toString);
    assertTrue(ok("rules", "check", "--json").out().contains("\"refused\": true"), "the member's row");
    Result r = m.run("rules", "apply");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains(FN1 + " is in use: its interface eth1 is up"), r::toString);
    assertEquals("e1000", m.driver(FN0), "the group stays as it was");
    assertEquals("e1000", m.driver(FN1));
  }

  @Test
  void theBootPathAppliesTheRulesAfterTheSavedOverridesWhichBeatThem() throws Exception {
    m.write("etc/driverctl.d/pci-" + VIRTIO, "virtio-pci\n");
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    rule("50-net.conf", "Class=network", "Driver=vfio-pci");
    Result r = ok("load-override", "--all");
    assertEquals("load-override: 2 applied, 0 already in effect, 0 failed, 0 absent\n"
        + "rules apply: 2 bound, 0 returned, 0 already in effect, 0 failed\n", r.out(), r::toString);
    assertEquals("virtio-pci", m.driver(VIRTIO), "the saved override beats the rule");
    assertEquals("vfio-pci", m.driver(FN0));
    assertEquals("vfio-pci", m.driver(FN1));
    assertEquals(FN0 + " 50-net.conf e1000\n" + FN1 + " 50-net.conf e1000\n", owned());
  }

  @Test
  void atBootADeviceInUseIsLoggedAndSkippedAndTheOthersGoOn() {
    eth0Up();
    rule("50-intel.conf", "Vendor=8086", "Driver=vfio-pci");
    Result r = ok("load-override", "--all");
    assertEquals("load-override: 0 applied, 0 already in effect, 0 failed, 0 absent\n"
        + "rules apply: 2 bound, 0 returned, 0 already in effect, 0 failed, 1 in use, skipped\n", r.out(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: warning: " + NIC + " is in use: its interface eth0 is up"), r::toString);
    assertTrue(r.err().contains("; left to the host at boot\n"), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertEquals("vfio-pci", m.driver(FN0));
  }

  @Test
  void atBootAFailedRuleOrAVoidFileExitsOneAfterTheOthers() {
    rule("10-typo.conf", "Vendr=1af4", "Driver=vfio");
    rule("50-edu.conf", "Vendor=1234", "Driver=vfio");
    Result r = m.run("load-override", "--all");
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: /etc/vfioctl/bind.d/10-typo.conf:2: unknown key Vendr in [Match]\n", r.err());
    assertEquals("edu-vfio-variant", m.driver(EDU));
    rule("10-typo.conf", "Vendor=1af4", "Driver=no-such-driver");
    r = m.run("load-override", "--all");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.out().endsWith("rules apply: 0 bound, 0 returned, 1 already in effect, 1 failed\n"), r::toString);
  }

  @Test
  void withoutRuleFilesTheBootPathReadsNothingOfTheRules() throws Exception {
    for (String dir : List.of("etc", "run", "usr/lib")) {
      Files.createDirectories(root.resolve(dir + "/vfioctl/bind.d"));
    }
    m.write("run/vfioctl/rules/owned", "not a record\n");
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    Result r = ok("load-override", "--all");
    assertEquals("load-override: 1 applied, 0 already in effect, 0 failed, 0 absent\n", r.out());
    assertEquals("", r.err(), "the corrupt ownership record is never read");
  }

  @Test
  void applyKeepsTheHotPlugMatcherInStepWithTheRulesAndRewritesItOnlyWhenTheyChange() throws Exception {
    var matcher = root.resolve("run/vfioctl/rules/match.sh");
    rule("10-keep.conf", "Vendor=8086", "Driver=none");
    ok("rules", "apply");
    assertFalse(Files.exists(matcher), "no rule binds: no device that appears needs vfioctl");
    rule("50-edu.conf", "Vendor=0x1234\nAddress=!0000:09:*", "Driver=vfio");
    ok("rules", "apply");
    String script = Files.readString(matcher);
    assertTrue(script.contains("case $vendor in 1234)") && script.contains("case $a in 0000:09:*)")
        && !script.contains("8086"), script);
    Object inode = Files.getAttribute(matcher, "unix:ino");
    ok("load-override", "--all");
    assertEquals(inode, Files.getAttribute(matcher, "unix:ino"), "the same rules: the matcher is not written again");
    Files.delete(root.resolve(BIND_D + "50-edu.conf"));
    ok("rules", "apply");
    assertFalse(Files.exists(matcher));
  }
}
