package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.sim.KernelSimulator.SimDriverSpec;
import io.vfioctl.sim.PciId;
import io.vfioctl.testing.TestMachine;
import io.vfioctl.testing.TestMachine.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code [Match] Driver=} by the default host driver of a device that has none. */
class RulesDefaultDriverTest extends RulesMachineTest {
  /** A USB controller whose module, xhci_pci, registers the driver xhci_hcd; not loaded at first. */
  static final String XHCI = "0000:00:06.0";

  @BeforeEach
  void xhci() {
    m.kernel.defineModule("xhci_pci", SimDriverSpec.host("xhci_hcd", PciId.of(0x1b36, 0x000d)));
    m.kernel.addDevice(XHCI, 0x1b36, 0x000d, 0x0c0330, 6);
    m.modulesAlias(TestMachine.MODULES_ALIAS + "alias pci:v00001B36d0000000Dsv*sd*bc*sc*i* xhci_pci\n");
  }

  private String line(Result r, String device) {
    return r.out().lines().filter(l -> l.startsWith(device + " ")).findFirst().orElse(null);
  }

  @Test
  void anUnboundDeviceIsMatchedByTheModuleThatWouldClaimIt() {
    assertNull(m.driver(XHCI));
    rule("50-usb.conf", "Driver=xhci-pci", "Driver=vfio-pci");
    Result check = ok("rules", "check");
    assertEquals(XHCI + " /etc/vfioctl/bind.d/50-usb.conf:1: vfio-pci (Driver= matched its default host driver "
        + "xhci_pci), not in effect", line(check, XHCI), check::toString);
    assertNull(line(check, NIC), "e1000 holds it: its current driver decides");
    assertEquals(1, check.out().lines().count(), check::toString);
    assertTrue(ok("rules", "check", "--json").out().contains("\"why\": \"Driver= matched its default host driver xhci_pci\""));
    // Taken, it still matches by its default driver: the next apply neither returns nor rebinds it.
    assertTrue(ok("rules", "apply").out().contains("1 bound"), "apply");
    assertEquals("vfio-pci", m.driver(XHCI));
    Result again = ok("rules", "apply");
    assertEquals("vfio-pci", m.driver(XHCI));
    assertTrue(again.out().contains("0 returned"), again::toString);
    assertTrue(line(ok("rules", "check"), XHCI).endsWith(", in effect"));
  }

  @Test
  void whileItsModuleIsNotLoadedOnlyTheModuleNameIsKnown() {
    rule("50-usb.conf", "Driver=xhci_hcd", "Driver=vfio-pci");
    assertNull(line(ok("rules", "check"), XHCI));
    m.load("xhci_pci");
    assertEquals("xhci_hcd", m.driver(XHCI));
    assertEquals(0, m.run("--nosave", "set-override", XHCI, "vfio-pci").code());
    Result check = ok("rules", "check");
    assertEquals(XHCI + " /etc/vfioctl/bind.d/50-usb.conf:1: vfio-pci (Driver= matched its default host driver "
        + "xhci_hcd (module xhci_pci)), in effect", line(check, XHCI), check::toString);
  }

  @Test
  void aDeviceDriverctlPutOnVfioIsMatchedByItsDefaultHostDriver() {
    assertEquals(0, m.run("--nosave", "set-override", NIC, "vfio-pci").code());
    assertEquals(0, m.run("set-override", VIRTIO, "vfio-pci").code());
    rule("50-e1000.conf", "Driver=e1000", "Driver=vfio-pci");
    rule("60-virtio.conf", "Driver=virtio-pci", "Driver=vfio-pci");
    Result check = ok("rules", "check");
    assertEquals(NIC + " /etc/vfioctl/bind.d/50-e1000.conf:1: vfio-pci (Driver= matched its default host driver "
        + "e1000), in effect", line(check, NIC), check::toString);
    assertTrue(line(check, FN0).startsWith(FN0 + " /etc/vfioctl/bind.d/50-e1000.conf:1: vfio-pci, not in effect"),
        "on e1000 now: no why");
    // virtio_pci registers virtio-pci: the driver name matches; and the saved override still decides it.
    assertEquals(VIRTIO + " /etc/vfioctl/bind.d/60-virtio.conf:1: left alone (Driver= matched its default host driver "
        + "virtio-pci (module virtio_pci)), in effect; a saved override decides it (/etc/driverctl.d/pci-" + VIRTIO
        + ")", line(check, VIRTIO), check::toString);
  }

  @Test
  void theModuleNameMatchesWithDashAndUnderscoreTheSame() {
    assertEquals(0, m.run("--nosave", "set-override", VIRTIO, "vfio-pci").code());
    rule("60-virtio.conf", "Driver=virtio_pci", "Driver=vfio-pci");
    assertTrue(line(ok("rules", "check"), VIRTIO).contains("Driver= matched its default host driver virtio-pci"));
    rule("60-virtio.conf", "Driver=virt*-pci", "Driver=vfio-pci");
    assertTrue(line(ok("rules", "check"), VIRTIO) != null);
    // xhci_pci is not loaded: its module name alone is known.
    rule("60-virtio.conf", "Driver=xhci-p?i", "Driver=vfio-pci");
    assertTrue(line(ok("rules", "check"), XHCI) != null);
    rule("60-virtio.conf", "Driver=xhci[-]pci", "Driver=vfio-pci");
    assertNull(line(ok("rules", "check"), XHCI), "a dash in a set is a character, never the module name's _");
  }

  @Test
  void aNegatedDriverCountsTheDefaultHostDriverToo() {
    assertEquals(0, m.run("--nosave", "set-override", NIC, "vfio-pci").code());
    rule("50-not-e1000.conf", "Driver=!e1000 xhci*", "Driver=vfio-pci");
    Result check = ok("rules", "check");
    assertNull(line(check, NIC), "on vfio-pci, but e1000 would claim it");
    assertNull(line(check, FN0), "on e1000");
    assertNull(line(check, XHCI), "xhci_pci would claim it");
    assertTrue(line(check, VIRTIO).startsWith(VIRTIO + " /etc/vfioctl/bind.d/50-not-e1000.conf:1: vfio-pci, "),
        check::toString);
    assertTrue(line(check, EDU).startsWith(EDU + " /etc/vfioctl/bind.d/50-not-e1000.conf:1: vfio-pci, "),
        "no module would claim it: no driver of it is named");
    assertFalse(check.out().contains("default host driver"), "a negated key says no why");
  }
}
