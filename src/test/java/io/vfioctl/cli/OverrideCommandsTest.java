package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
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

class OverrideCommandsTest extends MachineTest {
  @Test
  void setOverrideLoadsTheModuleBindsAndPersists() {
    Result r = m.run("set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.out() + r.err());
    assertTrue(m.kernel.isLoaded("vfio_pci"));
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals("vfio-pci", m.override(NIC));
    assertEquals("vfio-pci\n", m.persisted(NIC));
    assertTrue(m.kernel.exists("/sys/bus/pci/devices/" + NIC + "/vfio-dev"));
  }

  @Test
  void overrideIsWrittenBeforeUnbindSoNothingElseCanGrabTheDevice() {
    m.load("vfio_pci");
    m.run("set-override", NIC, "vfio-pci");
    List<String> writes = m.kernel.writeLog();
    assertEquals(List.of(
        "/sys/bus/pci/devices/" + NIC + "/driver_override vfio-pci",
        "/sys/bus/pci/devices/" + NIC + "/driver/unbind " + NIC,
        "/sys/bus/pci/drivers_probe " + NIC), writes);
  }

  @Test
  void unsetOverrideReturnsTheDeviceToItsHostDriverAndForgetsIt() {
    m.run("set-override", NIC, "vfio-pci");
    Result r = m.run("unset-override", NIC);
    assertEquals(0, r.code(), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertNull(m.override(NIC));
    assertNull(m.persisted(NIC));
  }

  @Test
  void nosaveChangesTheBindingButNotTheSavedFile() {
    Result r = m.run("--nosave", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfio-pci", m.driver(NIC));
    assertNull(m.persisted(NIC));
    m.run("set-override", NIC, "vfio-pci");
    m.run("unset-override", NIC, "--nosave");
    assertEquals("e1000", m.driver(NIC));
    assertEquals("vfio-pci\n", m.persisted(NIC));
  }

  @Test
  void noprobeLeavesTheDeviceUnboundWithTheOverrideSet() {
    Result r = m.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertNull(m.driver(NIC));
    assertEquals("vfio-pci", m.override(NIC));
    assertEquals("vfio-pci\n", m.persisted(NIC));
  }

  @Test
  void noneKeepsEveryDriverAway() {
    Result r = m.run("set-override", NIC, "none");
    assertEquals(0, r.code(), r::toString);
    assertNull(m.driver(NIC));
    assertEquals("none", m.override(NIC));
    assertEquals("none\n", m.persisted(NIC));
    m.kernel.writeLog().forEach(w -> assertFalse(w.contains("drivers_probe"), w));
  }

  @Test
  void alreadyBoundToTheRequestedDriverIsNotUnbound() {
    Result r = m.run("set-override", NIC, "e1000");
    assertEquals(0, r.code(), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertEquals(List.of("/sys/bus/pci/devices/" + NIC + "/driver_override e1000"), m.kernel.writeLog());
  }

  @Test
  void failedBindRestoresThePreviousDriverAndOverride() {
    m.load("vfio_pci");
    m.kernel.failProbe("vfio-pci", NIC, Errno.EINVAL);
    Result r = m.run("set-override", NIC, "vfio-pci");
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: failed to bind device " + NIC + " to driver vfio-pci (no driver took it); restored driver e1000\n", r.err());
    assertEquals("e1000", m.driver(NIC));
    assertNull(m.override(NIC));
    assertNull(m.persisted(NIC), "a failed override must not be saved");
  }

  @Test
  void failedBindOfADeviceWithAnOverrideRestoresThatOverride() {
    m.run("set-override", NIC, "vfio-pci");
    m.kernel.failProbe("e1000", NIC, Errno.ENODEV);
    Result r = m.run("unset-override", NIC);
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("restored driver vfio-pci"), r::toString);
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals("vfio-pci", m.override(NIC));
    assertEquals("vfio-pci\n", m.persisted(NIC), "the saved override stays when the unset failed");
  }

  @Test
  void refusedUnbindRestoresTheOverrideAndNamesTheFile() {
    m.load("vfio_pci");
    m.kernel.failWrites("/sys/bus/pci/devices/" + NIC + "/driver/unbind", Errno.EBUSY);
    Result r = m.run("set-override", NIC, "vfio-pci");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: unbinding " + NIC + " failed: writing '" + NIC + "' to /sys/bus/pci/devices/"
        + NIC + "/driver/unbind failed: Device or resource busy (EBUSY)"), r::toString);
    assertTrue(r.err().endsWith("restored driver e1000\n"), r::toString);
    assertEquals(1, r.err().lines().count());
    assertNull(m.override(NIC));
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void kernelRefusingTheOverrideWriteIsReportedWithFileAndValue() {
    m.load("vfio_pci");
    m.kernel.failWrites("/sys/bus/pci/devices/" + NIC + "/driver_override", Errno.EINVAL);
    Result r = m.run("set-override", NIC, "vfio-pci");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("writing 'vfio-pci' to /sys/bus/pci/devices/" + NIC
        + "/driver_override failed: Invalid argument (EINVAL)"), r::toString);
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void refusedModuleChangesNothing() {
    m.kernel.refuseModule("vfio_pci", "blacklisted");
    Result r = m.run("set-override", NIC, "vfio-pci");
    assertEquals(1, r.code());
    assertEquals("vfioctl: no such module: vfio-pci (blacklisted)\n", r.err());
    assertEquals(List.of(), m.kernel.writeLog());
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void unknownDriverIsReportedAsDriverctlDoes() {
    Result r = m.run("set-override", NIC, "nosuchdriver");
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("vfioctl: no such module: nosuchdriver"), r::toString);
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void invalidArgumentsAreRefusedBeforeAnythingIsTouched() {
    for (String[] args : new String[][] {
        {"set-override", "../../../etc", "vfio-pci"},
        {"set-override", "0000:00:02.0/../x", "vfio-pci"},
        {"set-override", NIC, "../vfio-pci"},
        {"set-override", NIC, "vfio pci"},
        {"set-override", NIC, "vfio\npci"},
        {"set-override", "00:02.0", "vfio-pci"},
        {"set-override", "0000:00:1f.9", "vfio-pci"},
        {"unset-override", "zzzz:00:02.0"}}) {
      Result r = m.run(args);
      assertEquals(1, r.code(), () -> String.join(" ", args) + "\n" + r);
      assertEquals(1, r.err().lines().count(), r::toString);
      assertTrue(r.err().startsWith("vfioctl: "), r::toString);
    }
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void missingDeviceIsNamed() {
    Result r = m.run("set-override", "0000:09:00.0", "vfio-pci");
    assertEquals(1, r.code());
    assertEquals("vfioctl: no such device: 0000:09:00.0\n", r.err());
    r = m.run("set-override", "pci/0000:09:00.0", "vfio-pci");
    assertEquals("vfioctl: no such device: 0000:09:00.0\n", r.err());
  }

  @Test
  void loadOverrideAppliesTheSavedDriverWithoutRewritingIt() {
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    Result r = m.run("load-override", NIC);
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfio-pci", m.driver(NIC));
    assertTrue(m.kernel.writeLog().stream().noneMatch(w -> w.contains("driverctl.d")));
  }

  @Test
  void loadOverrideWithNothingSavedExitsOneSilently() {
    Result r = m.run("load-override", NIC);
    assertEquals(1, r.code());
    assertEquals("", r.out() + r.err());
    m.write("etc/driverctl.d/pci-" + NIC, "");
    assertEquals(1, m.run("load-override", NIC).code());
  }

  @Test
  void loadOverrideRefusesACorruptFile() {
    m.write("etc/driverctl.d/pci-" + NIC, "../../bin/sh\n");
    Result r = m.run("load-override", NIC);
    assertEquals(1, r.code());
    assertTrue(r.err().contains("/etc/driverctl.d/pci-" + NIC), r::toString);
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void udevDevpathAndSubsystemAreHonoured() {
    m.env.put("SUBSYSTEM", "pci");
    m.env.put("DEVPATH", "/devices/pci0000:00/" + NIC);
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    Result r = m.run("load-override", NIC);
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfio-pci", m.driver(NIC));
    assertTrue(m.kernel.writeLog().get(0).startsWith("/sys/devices/pci0000:00/" + NIC + "/driver_override"),
        () -> m.kernel.writeLog().toString());
  }

  @Test
  void dryRunPrintsEveryActionAndChangesNothing() {
    Result r = m.run("set-override", NIC, "vfio-pci", "--dry-run");
    assertEquals(0, r.code(), r::toString);
    assertEquals("""
        modprobe vfio-pci
        write /sys/bus/pci/devices/0000:00:02.0/driver_override vfio-pci
        write /sys/bus/pci/devices/0000:00:02.0/driver/unbind 0000:00:02.0
        write /sys/bus/pci/drivers_probe 0000:00:02.0
        write /etc/driverctl.d/pci-0000:00:02.0 vfio-pci
        """, r.out());
    assertEquals(List.of(), m.kernel.writeLog());
    assertFalse(m.kernel.isLoaded("vfio_pci"));
    assertNull(m.persisted(NIC));
  }

  @Test
  void dryRunOfUnsetShowsTheClearingWriteAndTheRemoval() {
    m.run("set-override", NIC, "vfio-pci");
    Result r = m.run("--dry-run", "unset-override", NIC);
    assertEquals("""
        write /sys/bus/pci/devices/0000:00:02.0/driver_override ""
        write /sys/bus/pci/devices/0000:00:02.0/driver/unbind 0000:00:02.0
        write /sys/bus/pci/drivers_probe 0000:00:02.0
        remove /etc/driverctl.d/pci-0000:00:02.0
        """, r.out());
    assertEquals("vfio-pci", m.driver(NIC));
  }

  @Test
  void verboseTellsWhatHappensOnStderr() {
    Result r = m.run("-v", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code());
    assertEquals("", r.out());
    assertTrue(r.err().contains("vfioctl: setting driver override for " + NIC + ": vfio-pci\n"), r::toString);
    assertTrue(r.err().contains("vfioctl: unbinding previous driver e1000\n"), r::toString);
    assertTrue(r.err().contains("vfioctl: write /sys/bus/pci/drivers_probe " + NIC + "\n"), r::toString);
  }

  @Test
  void unboundDeviceWithoutHostDriverBindsToVfio() {
    assertNull(m.driver(EDU));
    Result r = m.run("set-override", EDU, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfio-pci", m.driver(EDU));
    assertTrue(m.kernel.exists("/dev/vfio/3"));
    assertEquals("virtio-pci", m.driver(VIRTIO));
  }

  @Test
  void otherBusDeviceThatDoesNotExistIsNamed() {
    Result r = m.run("-b", "usb", "set-override", "1-1", "usbfoo");
    assertEquals(1, r.code());
    assertEquals("vfioctl: no such device: 1-1\n", r.err());
  }

  @Test
  void deviceWithoutDriverOverrideIsRefused() {
    m.kernel.removeOverrideSupport(NIC);
    Result r = m.run("set-override", NIC, "vfio-pci");
    assertEquals(1, r.code());
    assertEquals("vfioctl: device does not support driver override: " + NIC + "\n", r.err());
    assertEquals(List.of(), m.kernel.writeLog());
    assertTrue(m.run("list-devices").out().lines().noneMatch(l -> l.startsWith(NIC)));
  }

  @Test
  void unsavableOverrideIsRolledBack() throws Exception {
    m.load("vfio_pci");
    java.nio.file.Files.createDirectories(root.resolve("etc"));
    java.nio.file.Files.writeString(root.resolve("etc/driverctl.d"), "a file where the directory should be");
    Result r = m.run("set-override", NIC, "vfio-pci");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: cannot save override for " + NIC + ": "), r::toString);
    assertTrue(r.err().endsWith("; restored driver e1000\n"), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertNull(m.override(NIC));
  }

  @Test
  void unsetWithNoOverrideLeavesTheBindingAloneAndForgetsTheFile() {
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    for (String dev : new String[] {NIC, EDU}) {
      Result r = m.run("unset-override", dev);
      assertEquals(0, r.code(), r::toString);
    }
    assertEquals(List.of(), m.kernel.writeLog(), "no unbind, no probe: nothing was overridden");
    assertEquals("e1000", m.driver(NIC));
    assertNull(m.persisted(NIC));
  }

  @Test
  void devpathOfAnotherDeviceIsIgnored() {
    m.env.put("DEVPATH", "/devices/pci0000:00/" + VIRTIO);
    Result r = m.run("set-override", NIC, "none");
    assertEquals(0, r.code(), r::toString);
    assertEquals("none", m.override(NIC));
    assertNull(m.override(VIRTIO), "a udev rule on one device must not change another");
    assertEquals("virtio-pci", m.driver(VIRTIO));
    m.env.put("DEVPATH", "/devices/pci0000:00/../../" + NIC);
    assertEquals(0, m.run("unset-override", NIC).code());
    assertTrue(m.kernel.writeLog().stream().allMatch(w -> w.startsWith("/sys/bus/pci/")), () -> m.kernel.writeLog().toString());
  }

  @Test
  void moduleNameGivenAsDriverIsCorrected() {
    m.load("vfio_pci");
    Result r = m.run("set-override", NIC, "vfio_pci");
    assertEquals(1, r.code());
    assertEquals("vfioctl: vfio_pci is a module; its driver is vfio-pci: vfioctl set-override " + NIC + " vfio-pci\n", r.err());
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void moduleNameIsCorrectedAfterLoadingItBeforeTheDeviceIsTouched() {
    Result r = m.run("set-override", EDU, "edu_vfio_pci");
    assertEquals(1, r.code());
    assertEquals("vfioctl: edu_vfio_pci is a module; its driver is edu-vfio-variant: vfioctl set-override <device> "
        + "edu-vfio-variant\n", r.err());
    assertEquals(List.of(), m.kernel.writeLog());
  }
}
