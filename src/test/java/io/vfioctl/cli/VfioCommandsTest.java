package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.Golden;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class VfioCommandsTest extends MachineTest {
  @Test
  void vfioDriverNamesTheVariantForItsDeviceAndVfioPciOtherwise() {
    m.load("edu_vfio_pci");
    assertEquals("edu-vfio-variant\n", m.run("vfio-driver", EDU).out());
    assertEquals("vfio-pci\n", m.run("vfio-driver", NIC).out());
    assertEquals("vfio-pci\n", m.run("vfio-driver", VIRTIO).out());
  }

  @Test
  void unloadedModulesDriverNameIsPredictedFromTheModuleName() {
    assertEquals("edu_vfio_pci\n", m.run("vfio-driver", EDU).out());
  }

  @Test
  void allListsEveryCandidateRanked() {
    Result r = m.run("vfio-driver", EDU, "--all");
    assertEquals(0, r.code(), r::toString);
    Golden.assertMatches("vfio-driver/edu-all.txt", r.out());
  }

  @Test
  void jsonExplainsTheChoice() {
    m.load("vfio_pci");
    Result r = m.run("--json", "vfio-driver", NIC);
    Golden.assertMatches("vfio-driver/nic.json", r.out());
  }

  @Test
  void ambiguityIsReported() {
    m.modulesAlias(TestMachine.MODULES_ALIAS
        + "alias vfio_pci:v00001234d000011E8sv*sd*bc*sc*i* another_vfio_pci\n");
    Result r = m.run("vfio-driver", EDU, "--json");
    assertTrue(r.out().contains("\"ambiguous\": true"), r::toString);
    assertTrue(r.out().contains("\"module\": \"another_vfio_pci\""), r::toString);
    Result set = m.run("--dry-run", "set-override", EDU, "vfio");
    assertTrue(set.err().contains("vfioctl: warning: 0000:00:03.0: another_vfio_pci and edu_vfio_pci fit equally well"),
        set::toString);
    Result v = m.run("-v", "vfio-driver", EDU);
    assertEquals("another_vfio_pci\n", v.out());
    assertTrue(v.err().contains("another_vfio_pci and edu_vfio_pci fit equally well"), v::toString);
  }

  @Test
  void setOverrideVfioLoadsTheVariantBindsItAndPersistsTheWord() {
    Result r = m.run("set-override", EDU, "vfio");
    assertEquals(0, r.code(), r::toString);
    assertTrue(m.kernel.isLoaded("edu_vfio_pci"));
    assertEquals("edu-vfio-variant", m.driver(EDU), "the name is re-read from sysfs after loading");
    assertEquals("edu-vfio-variant", m.override(EDU));
    assertEquals("vfio\n", m.persisted(EDU));
    assertTrue(m.kernel.exists("/dev/vfio/3"));
    assertEquals("0000:00:03.0 vfio\n", m.run("list-persisted").out());
  }

  @Test
  void setOverrideVfioPciStillForcesTheGenericDriver() {
    Result r = m.run("set-override", EDU, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfio-pci", m.driver(EDU));
    assertFalse(m.kernel.isLoaded("edu_vfio_pci"));
  }

  @Test
  void loadOverrideResolvesTheWordAgainSoANewVariantIsPickedUp() {
    m.modulesAlias("alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n");
    m.run("set-override", EDU, "vfio");
    assertEquals("vfio-pci", m.driver(EDU));
    m.run("--nosave", "unset-override", EDU);
    m.modulesAlias(TestMachine.MODULES_ALIAS);
    Result r = m.run("load-override", EDU);
    assertEquals(0, r.code(), r::toString);
    assertEquals("edu-vfio-variant", m.driver(EDU), "the kernel upgrade brought a better variant");
    assertEquals("vfio\n", m.persisted(EDU));
  }

  @Test
  void dryRunShowsTheModuleAndThePredictedDriver() {
    Result r = m.run("--dry-run", "set-override", EDU, "vfio");
    assertEquals("""
        modprobe edu_vfio_pci
        write /sys/bus/pci/devices/0000:00:03.0/driver_override edu_vfio_pci
        write /sys/bus/pci/drivers_probe 0000:00:03.0
        write /etc/driverctl.d/pci-0000:00:03.0 vfio
        """, r.out());
    assertFalse(m.kernel.isLoaded("edu_vfio_pci"));
  }

  @Test
  void refusedVariantNamesTheNextCandidateAndChangesNothing() {
    m.kernel.refuseModule("edu_vfio_pci", "Module edu_vfio_pci is blacklisted");
    Result r = m.run("set-override", EDU, "vfio");
    assertEquals(1, r.code());
    assertEquals("vfioctl: no such module: edu_vfio_pci (Module edu_vfio_pci is blacklisted); the next candidate is "
        + "vfio-pci: vfioctl set-override 0000:00:03.0 vfio-pci\n", r.err());
    assertNull(m.override(EDU));
    assertNull(m.persisted(EDU));
  }

  @Test
  void missingModulesAliasNamesThePathAndRelease() throws Exception {
    Files.delete(root.resolve("lib/modules/" + TestMachine.RELEASE + "/modules.alias"));
    Result r = m.run("vfio-driver", EDU);
    assertEquals(1, r.code());
    assertEquals("vfioctl: cannot read /lib/modules/6.12.0-sim/modules.alias (kernel 6.12.0-sim): no such file; "
        + "run depmod 6.12.0-sim, or force a driver with set-override <device> vfio-pci\n", r.err());
    assertEquals(1, m.run("set-override", EDU, "vfio").code());
    assertEquals(1, m.run("list-devices", "--vfio").code());
    assertTrue(m.run("list-devices", "--json").out().contains("\"vfio_driver\": null"));
  }

  @Test
  void missingGenericAliasFallsBackToVfioPciWithAWarning() {
    m.modulesAlias("alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000\n");
    Result r = m.run("vfio-driver", NIC);
    assertEquals(0, r.code());
    assertEquals("vfio-pci\n", r.out());
    assertTrue(r.err().startsWith("vfioctl: warning: no vfio_pci alias in /lib/modules/6.12.0-sim/modules.alias"), r::toString);
  }

  @Test
  void listDevicesVfioAddsTheBestDriverColumn() {
    m.load("edu_vfio_pci");
    m.run("set-override", NIC, "vfio-pci");
    assertEquals("""
        0000:00:02.0 vfio-pci vfio-pci [*]
        0000:00:03.0 (none) edu-vfio-variant
        0000:00:04.0 virtio-pci vfio-pci
        0000:01:00.0 e1000 vfio-pci
        0000:01:00.1 e1000 vfio-pci
        """, m.run("list-devices", "--vfio").out());
  }

  @Test
  void vfioDriverOfAMissingDeviceFails() {
    Result r = m.run("vfio-driver", "0000:07:00.0");
    assertEquals(1, r.code());
    assertEquals("vfioctl: no such device: 0000:07:00.0\n", r.err());
  }
}
