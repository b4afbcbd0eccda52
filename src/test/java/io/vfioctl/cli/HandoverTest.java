package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.FN1;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.sysfs.Errno;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/** detach and reattach, like virsh nodedev-detach/reattach: not saved, the original recorded and restored. */
class HandoverTest extends MachineTest {
  /** An e1000 outside every IOMMU group, which {@link #addDeviceWithoutGroup} adds. */
  static final String NO_GROUP = "0000:00:07.0";

  private void addDeviceWithoutGroup() {
    m.kernel.addDevice(NO_GROUP, 0x8086, 0x100e, 0x8086, 0x100e, 0x020000, -1, -1);
  }

  @Test
  void detachBindsTheBestFitAndRecordsTheOriginalWithoutSavingIt() {
    Result r = m.run("detach", NIC);
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.out() + r.err());
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals("vfio-pci", m.override(NIC));
    assertNull(m.persisted(NIC));
    assertEquals("driver=e1000\noverride=\n", m.detachedFrom(NIC));
  }

  @Test
  void reattachRestoresExactlyTheRecordedDriverAndOverrideAndForgetsTheRecord() throws Exception {
    m.run("--nosave", "--noprobe", "set-override", NIC, "e1000"); // an override naming its own driver
    m.kernel.write("/sys/bus/pci/drivers_probe", NIC);
    assertEquals("e1000", m.driver(NIC));
    assertEquals(0, m.run("detach", NIC).code());
    Result r = m.run("reattach", NIC);
    assertEquals(0, r.code(), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertEquals("e1000", m.override(NIC));
    assertNull(m.detachedFrom(NIC));
  }

  @Test
  void aSecondDetachKeepsTheFirstRecord() {
    m.load("vfio_pci");
    assertEquals(0, m.run("detach", EDU, "--driver", "vfio-pci").code());
    assertEquals(0, m.run("detach", EDU).code());
    assertEquals("edu-vfio-variant", m.driver(EDU));
    assertEquals("driver=\noverride=\n", m.detachedFrom(EDU));
    assertEquals(0, m.run("reattach", EDU).code());
    assertNull(m.driver(EDU), "edu had no driver before detach");
    assertNull(m.override(EDU));
  }

  @Test
  void setUnsetAndLoadOverrideTakeTheDeviceOverAndForgetTheDetachRecord() {
    assertEquals(0, m.run("detach", NIC).code());
    assertEquals(0, m.run("unset-override", NIC).code());
    assertNull(m.detachedFrom(NIC), "back on e1000 by unset-override: the record is spent");
    assertEquals(0, m.run("--nosave", "set-override", NIC, "none").code());
    assertEquals(0, m.run("detach", NIC).code());
    assertEquals("driver=\noverride=none\n", m.detachedFrom(NIC), "a new detach records the state it found");
    assertEquals(0, m.run("reattach", NIC).code());
    assertNull(m.driver(NIC));
    assertEquals("none", m.override(NIC));
    assertEquals(0, m.run("detach", NIC).code());
    assertEquals(0, m.run("--nosave", "set-override", NIC, "vfio-pci").code(), "already in effect");
    assertNull(m.detachedFrom(NIC), "set-override took it over");
  }

  @Test
  void detachOfADeviceAlreadyOnItsBestFitChangesNothingAndRecordsNothing() {
    m.run("--nosave", "set-override", NIC, "vfio-pci");
    int writes = m.kernel.writeLog().size();
    assertEquals(0, m.run("detach", NIC).code());
    assertEquals(writes, m.kernel.writeLog().size());
    assertNull(m.detachedFrom(NIC));
  }

  @Test
  void reattachWithoutARecordLetsTheDefaultDriverTakeItAndWarnsOfASavedOverride() {
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    Result r = m.run("reattach", NIC);
    assertEquals(0, r.code(), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertNull(m.override(NIC));
    assertEquals("vfio-pci\n", m.persisted(NIC), "reattach is not persisted");
    assertEquals("vfioctl: warning: a saved override binds " + NIC + " to vfio-pci again at the next boot;"
        + " 'vfioctl unset-override " + NIC + "' forgets it\n", r.err());
  }

  @Test
  void reattachOfADeviceOnItsHostDriverDoesNothing() {
    int writes = m.kernel.writeLog().size();
    assertEquals(0, m.run("reattach", NIC).code());
    assertEquals(writes, m.kernel.writeLog().size());
  }

  @Test
  void reattachOfADeviceNoHostDriverCanClaimLeavesItUnbound() {
    assertEquals(0, m.run("--nosave", "set-override", EDU, "vfio").code());
    Result r = m.run("reattach", EDU);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("no host driver can claim " + EDU), r::toString);
    assertNull(m.driver(EDU));
  }

  @Test
  void aFailedReattachPutsTheDeviceBackOnVfioAndKeepsTheRecord() {
    assertEquals(0, m.run("detach", NIC).code());
    m.kernel.failWrites("/sys/bus/pci/drivers/e1000/bind", Errno.EIO);
    Result r = m.run("reattach", NIC);
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals("driver=e1000\noverride=\n", m.detachedFrom(NIC));
  }

  @Test
  void dryRunPrintsThePlanWithTheRecordAndChangesNothing() {
    Result r = m.run("--dry-run", "detach", NIC);
    assertEquals(0, r.code(), r::toString);
    assertEquals("""
        modprobe vfio_pci
        write /run/vfioctl/detached/pci-0000:00:02.0 driver=e1000 override=
        write /sys/bus/pci/devices/0000:00:02.0/driver_override vfio-pci
        write /sys/bus/pci/devices/0000:00:02.0/driver/unbind 0000:00:02.0
        write /sys/bus/pci/drivers_probe 0000:00:02.0
        """, r.out());
    assertEquals(List.of(), m.kernel.writeLog());
    assertNull(m.detachedFrom(NIC));
    assertEquals(0, m.run("detach", NIC).code());
    assertEquals("""
        write /sys/bus/pci/devices/0000:00:02.0/driver_override ""
        write /sys/bus/pci/devices/0000:00:02.0/driver/unbind 0000:00:02.0
        write /sys/bus/pci/drivers/e1000/bind 0000:00:02.0
        remove /run/vfioctl/detached/pci-0000:00:02.0
        """, m.run("--dry-run", "reattach", NIC).out());
  }

  @Test
  void detachWarnsWhenTheGroupWillNotBeViableAndGroupMovesItWhole() {
    Result alone = m.run("detach", FN0);
    assertEquals(0, alone.code(), alone::toString);
    assertEquals("vfioctl: warning: IOMMU group 5 of " + FN0 + " will not be viable for VFIO while " + FN1
        + " (e1000) stays bound to a host driver: detach it too, or use --group\n", alone.err());
    assertEquals(0, m.run("reattach", FN0).code());
    Result group = m.run("detach", "--group", FN0);
    assertEquals(0, group.code(), group::toString);
    assertEquals("", group.err());
    assertEquals("vfio-pci", m.driver(FN0));
    assertEquals("vfio-pci", m.driver(FN1));
    assertEquals(0, m.run("reattach", "--group", FN1).code());
    assertEquals("e1000", m.driver(FN0));
    assertEquals("e1000", m.driver(FN1));
    assertNull(m.detachedFrom(FN0));
    assertNull(m.detachedFrom(FN1));
  }

  @Test
  void aGroupMovesAllOrNothing() {
    m.load("vfio_pci");
    m.kernel.failProbe("vfio-pci", FN1, Errno.EBUSY);
    Result r = m.run("set-override", "--group", FN0, "vfio-pci");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("failed to bind device " + FN1 + " to driver vfio-pci"), r::toString);
    assertTrue(r.err().contains("restored 1 device moved before it"), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    for (String d : List.of(FN0, FN1)) {
      assertEquals("e1000", m.driver(d), d);
      assertNull(m.override(d), d);
      assertNull(m.persisted(d), d);
    }
  }

  @Test
  void groupSetOverrideSavesEveryMember() {
    assertEquals(0, m.run("set-override", "--group", FN1, "vfio-pci").code());
    assertEquals("vfio-pci\n", m.persisted(FN0));
    assertEquals("vfio-pci\n", m.persisted(FN1));
    assertEquals(0, m.run("unset-override", "--group", FN1).code());
    assertNull(m.persisted(FN0));
    assertEquals("e1000", m.driver(FN0));
  }

  @Test
  void withoutAnIommuVfioIsRefusedUnlessNoiommu() {
    addDeviceWithoutGroup();
    Result r = m.run("detach", NO_GROUP);
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: " + NO_GROUP + " has no IOMMU group: it is outside every IOMMU group, so VFIO cannot"
        + " isolate it; enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel command line), or pass"
        + " --noiommu for vfio's unsafe no-IOMMU mode\n", r.err());
    assertEquals("e1000", m.driver(NO_GROUP));
    assertTrue(!m.kernel.isLoaded("vfio_pci"), "a refusal loads no module either");
    m.kernel.addFile("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "N");
    Result forced = m.run("detach", "--noiommu", NO_GROUP);
    assertEquals(0, forced.code(), forced::toString);
    assertTrue(forced.err().contains("warning: binding " + NO_GROUP + " without an IOMMU (--noiommu)"),
        forced::toString);
    assertEquals("vfio-pci", m.driver(NO_GROUP));
    assertEquals("1", m.kernel.read("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode").orElseThrow());
    assertEquals(0, m.run("reattach", NO_GROUP).code(), "returning a device needs no IOMMU");
    m.kernel.addFile("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "N");
    m.kernel.failProbe("vfio-pci", NO_GROUP, io.vfioctl.sysfs.Errno.EIO);
    assertEquals(1, m.run("detach", "--noiommu", NO_GROUP).code());
    assertEquals("0", m.kernel.read("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode").orElseThrow(),
        "a rolled-back change turns the mode it turned on off again");
    assertEquals("e1000", m.driver(NO_GROUP));
    assertEquals("e1000", m.driver(NO_GROUP));
  }

  @Test
  void aHostDriverNeedsNoIommu() {
    addDeviceWithoutGroup();
    assertEquals(0, m.run("set-override", NO_GROUP, "none").code());
    assertEquals(0, m.run("set-override", NO_GROUP, "e1000").code());
  }

  @Test
  void optionsOfHandoverGoOnlyWithTheirCommands() {
    assertEquals("vfioctl: --driver goes with detach\n", m.run("reattach", NIC, "--driver", "x").err());
    assertEquals("vfioctl: --group goes with set-override, unset-override, detach and reattach\n",
        m.run("load-override", NIC, "--group").err());
    assertEquals("vfioctl: --force goes with set-override, load-override, detach and domain prepare\n",
        m.run("reattach", NIC, "--force").err());
    assertEquals(1, m.run("detach").code());
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void groupOfADeviceWithoutGroupIsRefused() {
    addDeviceWithoutGroup();
    Result r = m.run("reattach", "--group", NO_GROUP);
    assertEquals("vfioctl: 0000:00:07.0 has no IOMMU group, so --group has nothing to act on\n", r.err());
    assertEquals(VIRTIO.length(), NO_GROUP.length());
  }

  @Test
  void anOverrideDetachCouldNotRestoreIsRefusedUpFrontAndNeverPrintedRaw() throws Exception {
    // The kernel keeps any bytes in driver_override: here an escape sequence.
    m.kernel.write("/sys/bus/pci/devices/" + NIC + "/driver_override", "igb\u001b[31m");
    int writes = m.kernel.writeLog().size();
    Result r = m.run("detach", NIC);
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: " + NIC + " has the driver_override igb\\x1b[31m, which detach could not record for reattach"
        + " to restore; clear it first (write an empty line to /sys/bus/pci/devices/" + NIC + "/driver_override)\n",
        r.err());
    assertEquals(writes, m.kernel.writeLog().size(), "nothing changed");
    assertNull(m.detachedFrom(NIC));
    for (String[] call : List.of(new String[] {"status", NIC}, new String[] {"--json", "status", NIC})) {
      Result shown = m.run(call);
      assertTrue(shown.out().contains("igb\\x1b[31m") || shown.out().contains("igb\\u001b[31m"), shown::toString);
      assertFalse(shown.out().contains("\u001b"), shown::toString);
    }
    Result plan = m.run("-v", "--dry-run", "unset-override", NIC);
    assertFalse((plan.out() + plan.err()).contains("\u001b"), plan::toString);
  }
}
