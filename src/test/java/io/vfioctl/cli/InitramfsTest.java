package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.early.Selection;
import io.vfioctl.testing.FakeRoot;
import io.vfioctl.testing.TestMachine;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vfioctl initramfs} at build time (the kernel being built, refusals, reports, records), the
 * boot path's reconcile with what the early script did, {@code status}'s early line and the stale
 * notice. The script itself: early.EarlyScriptTest and test/initramfs-test.
 */
class InitramfsTest {
  private static final String EDU = "0000:00:03.0";
  private static final String SATA = "0000:00:1f.2";
  private static final String BUILT = "6.1-built";

  @TempDir
  Path root;

  private FakeRoot fake() throws Exception {
    FakeRoot f = new FakeRoot(Files.createDirectories(root.resolve("fake")));
    f.kernel("6.0-running", "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n")
        .file("lib/modules/" + BUILT + "/modules.alias", "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"
            + "alias vfio_pci:v00001234d000011E8sv*sd*bc*sc*i* edu_vfio_pci\n")
        .file("lib/modules/" + BUILT + "/modules.dep", "kernel/drivers/vfio/vfio.ko.xz:\nkernel/drivers/vfio/pci/"
            + "vfio-pci.ko.xz: kernel/drivers/vfio/vfio.ko.xz\nextra/edu_vfio_pci.ko: kernel/drivers/vfio/vfio.ko.xz\n")
        .device(EDU, 0x1234, 0x11e8, 0x00ff00, "(null)", null)
        .device(SATA, 0x8086, 0x2922, 0x010601, "(null)", "ahci")
        .blockDevice("pci0000:00/" + SATA + "/ata1/host0/target0:0:0/0:0:0:0/block/sda", "8:0")
        .partition("pci0000:00/" + SATA + "/ata1/host0/target0:0:0/0:0:0:0/block/sda", "sda1", "8:1", 1)
        .file("proc/self/mountinfo", "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n");
    return f;
  }

  private Result build(FakeRoot f) throws Exception {
    return f.run("initramfs", "initramfs-tools", BUILT, Files.createDirectories(root.resolve("out")).toString());
  }

  @Test
  void theBuildResolvesVfioWithTheKernelBeingBuiltAndRecordsIt() throws Exception {
    FakeRoot f = fake().persisted("pci-" + EDU, "vfio\n");
    Result r = build(f);
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfio\nvfio_pci\nedu_vfio_pci\n", Files.readString(root.resolve("out/modules")),
        "the running kernel has no edu variant; the one being built has");
    String script = Files.readString(root.resolve("out/early"));
    assertTrue(script.contains("v00001234d000011E8sv*sd*bc*sc*i*) m=edu_vfio_pci") && script.contains(EDU + ") sel vfio"),
        script);
    assertTrue(Files.readString(f.root.resolve("var/lib/vfioctl/initramfs/" + BUILT)).startsWith("builder initramfs-tools\n"
        + "inputs "));
  }

  @Test
  void aHostWithNothingSavedGetsNothingAndItsBuildSucceeds() throws Exception {
    Result r = build(fake());
    assertEquals(0, r.code(), r::toString);
    assertEquals("", Files.readString(root.resolve("out/modules")));
    assertFalse(Files.exists(root.resolve("out/early")));
    assertEquals("initramfs: nothing to bind before host drivers (kernel " + BUILT + ")\n", r.out());
  }

  @Test
  void takingTheRootDisksControllerFailsTheBuildInOneLineUnlessTheRuleSaysForce() throws Exception {
    FakeRoot f = fake().file("etc/vfioctl/bind.d/50-sata.conf", "[Match]\nVendor=8086\nDevice=2922\n[Bind]\n"
        + "Driver=vfio-pci\n");
    Result r = build(f);
    assertEquals(1, r.code(), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: " + SATA + ": the initramfs would bind it to vfio-pci by rule "
        + "/etc/vfioctl/bind.d/50-sata.conf:1, but its disk sda holds the root file system"), r::toString);
    assertTrue(r.err().contains("Force=yes"), r::toString);
    assertFalse(Files.exists(root.resolve("out/early")));
    f.file("etc/vfioctl/bind.d/50-sata.conf", "[Match]\nVendor=8086\nDevice=2922\n[Bind]\nDriver=vfio-pci\nForce=yes\n");
    assertEquals(0, build(f).code());
    assertTrue(Files.readString(root.resolve("out/early")).contains("sel vfio-pci 50-sata.conf"));
  }

  @Test
  void aSavedOverrideOnTheRootDisksControllerFailsTheBuild() throws Exception {
    Result r = build(fake().persisted("pci-" + SATA, "vfio-pci\n"));
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("its saved override") && r.err().contains("vfioctl unset-override " + SATA), r::toString);
  }

  @Test
  void aVoidRuleFileIsReportedAndLeftOut() throws Exception {
    FakeRoot f = fake().persisted("pci-" + EDU, "vfio\n").file("etc/vfioctl/bind.d/60-bad.conf",
        "[Match]\nVendor=zz\n[Bind]\nDriver=vfio\n");
    Result r = build(f);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("vfioctl: /etc/vfioctl/bind.d/60-bad.conf:2: bad Vendor value zz"), r::toString);
  }

  /** The machine after an early script that took {@code device} by {@code source}, built from {@code inputs}. */
  private static TestMachine bootedWithEarly(TestMachine m, String inputs, String builder, String device,
      String record) {
    m.write("run/vfioctl/early/ran", "inputs " + inputs + "\nbuilder " + builder + "\nkernel 6.12.0-sim\n");
    if (device != null) {
      m.write("run/vfioctl/early/pci-" + device, record + "\n");
    }
    return m;
  }

  @Test
  void aDeviceTheInitramfsTookThatNothingSelectsNowGoesBackAndTheInitramfsIsCalledOutOfDateOnce() {
    TestMachine m = new TestMachine(root);
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    bootedWithEarly(m, "0".repeat(64), "initramfs-tools", NIC, "vfio-pci e1000 override");
    Result status = m.run("status", NIC);
    assertTrue(status.out().contains("\n  early        vfio-pci by the initramfs (saved override; e1000 unbound)\n"),
        status::toString);
    try {
      Files.delete(root.resolve("etc/driverctl.d/pci-" + NIC));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    Result r = m.run("load-override", "--all");
    assertEquals("e1000", m.driver(NIC), r::toString);
    assertTrue(r.err().contains(NIC + ": the initramfs bound it to vfio-pci, but no saved override or rule selects it"
        + " now; returned it to its host driver"), r::toString);
    assertEquals(1, r.err().split("rebuild it: update-initramfs -u", -1).length - 1, r::toString);
    assertTrue(m.run("status", VIRTIO).out().contains("  early        no (the initramfs did not bind it)"));
    Result why = m.run("status", NIC);
    assertTrue(why.out().contains("\n  early        vfio-pci by the initramfs (saved override; e1000 unbound); returned to"
        + " e1000 at boot: no saved override or rule selects it now, the initramfs is out of date (rebuild it:"
        + " update-initramfs -u)\n"), why::toString);
    assertTrue(m.run("status", "--json", NIC).out().contains("\"returned\": true"), "status --json says it was returned");
  }

  @Test
  void aSelectedDeviceTheInitramfsDidNotKnowIsBoundAsBeforeAndNamed() throws Exception {
    TestMachine m = new TestMachine(root);
    m.write("etc/driverctl.d/pci-" + VIRTIO, "vfio-pci\n");
    bootedWithEarly(m, "0".repeat(64), "dracut", null, null);
    Result r = m.run("load-override", "--all");
    assertEquals("vfio-pci", m.driver(VIRTIO), r::toString);
    assertTrue(r.err().contains("the initramfs is out of date: it was built from other saved overrides or rules; it did"
        + " not bind " + VIRTIO + " (bound now, after the host drivers); rebuild it: dracut -f"), r::toString);
  }

  @Test
  void theRootDisksControllerARuleSelectsIsNotNamedAsADeviceTheInitramfsMissed() throws Exception {
    FakeRoot f = fake().persisted("pci-" + EDU, "vfio\n")
        .file("etc/vfioctl/bind.d/50-sata.conf", "[Match]\nVendor=8086\nDevice=2922\n[Bind]\nDriver=vfio-pci\n")
        .file("run/vfioctl/early/ran", "inputs " + "0".repeat(64) + "\nbuilder initramfs-tools\nkernel " + BUILT + "\n");
    Result r = f.run("load-override", "--all");
    assertTrue(r.err().contains("the initramfs is out of date: it was built from other saved overrides or rules; it did"
        + " not bind " + EDU + " (bound now, after the host drivers); rebuild it: update-initramfs -u"), r::toString);
  }

  @Test
  void anInitramfsBuiltFromTheSameSelectionIsNotCalledOutOfDate() throws Exception {
    TestMachine m = new TestMachine(root);
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    bootedWithEarly(m, Selection.read(m.host()).digest(), "initramfs-tools", NIC, "vfio-pci e1000 override");
    Result r = m.run("load-override", "--all");
    assertEquals("vfio-pci", m.driver(NIC), r::toString);
    assertFalse(r.err().contains("initramfs"), r::toString);
  }

  @Test
  void aDeviceARuleTookEarlyBecomesTheRulesOwnWithItsHostDriverSoRemovingTheRuleReturnsIt() throws Exception {
    TestMachine m = new TestMachine(root);
    m.write("etc/vfioctl/bind.d/50-virtio.conf", "[Match]\nVendor=1af4\n[Bind]\nDriver=vfio-pci\n");
    assertEquals(0, m.run("--nosave", "set-override", VIRTIO, "vfio-pci").code());
    bootedWithEarly(m, Selection.read(m.host()).digest(), "initramfs-tools", VIRTIO, "vfio-pci virtio-pci 50-virtio.conf");
    Result r = m.run("load-override", "--all");
    assertEquals(0, r.code(), r::toString);
    assertEquals(VIRTIO + " 50-virtio.conf virtio-pci\n", Files.readString(root.resolve("run/vfioctl/rules/owned")));
    Files.delete(root.resolve("etc/vfioctl/bind.d/50-virtio.conf"));
    assertEquals(0, m.run("rules", "apply").code());
    assertEquals("virtio-pci", m.driver(VIRTIO));
  }

  @Test
  void afterAChangeTheInitramfsDoesNotReflectOneLineNamesTheRebuildOnlyWhenTheIntegrationIsEnabled() throws Exception {
    TestMachine m = new TestMachine(root);
    Result before = m.run("set-override", VIRTIO, "vfio-pci");
    assertFalse(before.err().contains("initramfs"), "no hook ever ran: " + before);
    m.write("var/lib/vfioctl/initramfs/6.12.0-sim", "builder initramfs-tools\ninputs "
        + Selection.read(m.host()).digest() + "\ntime 1\n");
    Result dry = m.run("--dry-run", "unset-override", VIRTIO);
    assertFalse(dry.err().contains("initramfs"), dry::toString);
    Result r = m.run("unset-override", VIRTIO);
    assertEquals("vfioctl: the initramfs (kernel 6.12.0-sim) does not reflect the saved overrides and binding rules"
        + " now; to bind before host drivers at the next boot, rebuild it: update-initramfs -u\n", r.err());
    m.write("var/lib/vfioctl/initramfs/6.13-newer", "builder dracut\ninputs " + Selection.read(m.host()).digest()
        + "\ntime 2\n");
    assertEquals("", m.run("set-override", NIC, "e1000").err(), "an override to a host driver is not the initramfs's");
    m.write("etc/vfioctl/bind.d/50-virtio.conf", "[Match]\nVendor=1af4\n[Bind]\nDriver=vfio-pci\n");
    assertTrue(m.run("rules", "apply").err().endsWith("rebuild it: dracut -f\n"), "the newest build's tool");
  }
}
