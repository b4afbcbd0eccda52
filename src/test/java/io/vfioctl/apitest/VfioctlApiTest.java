package io.vfioctl.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.api.Vfioctl;
import io.vfioctl.core.Action;
import io.vfioctl.host.Host;
import io.vfioctl.libvirt.Domain;
import io.vfioctl.libvirt.DomainHandover;
import io.vfioctl.libvirt.DomainXmlException;
import io.vfioctl.status.DeviceStatus;
import io.vfioctl.core.Log;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.sim.KernelSimulator;
import io.vfioctl.sim.KernelSimulator.SimDriverSpec;
import io.vfioctl.sim.PciId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API as a management stack uses it, from another package and with public types only:
 * a simulated kernel behind a Host, and {@link Vfioctl}.
 */
class VfioctlApiTest {
  static final String NIC = "0000:00:02.0";
  static final String EDU = "0000:00:03.0";

  @TempDir Path root;
  KernelSimulator kernel = new KernelSimulator();
  Vfioctl vfio;

  @BeforeEach
  void machine() throws Exception {
    kernel.defineModule("e1000", SimDriverSpec.host("e1000", PciId.of(0x8086, 0x100e)));
    kernel.defineModule("vfio_pci", SimDriverSpec.vfio("vfio-pci", PciId.vfioOverride(PciId.ANY, PciId.ANY)));
    kernel.defineModule("edu_vfio_pci", SimDriverSpec.vfio("edu-vfio-variant", PciId.vfioOverride(0x1234, 0x11e8)));
    kernel.addDevice(NIC, 0x8086, 0x100e, 0x020000, 2);
    kernel.addDevice(EDU, 0x1234, 0x11e8, 0x00ff00, 3);
    kernel.loadModule("e1000");
    write("proc/sys/kernel/osrelease", "6.12.0-api\n");
    write("lib/modules/6.12.0-api/modules.alias", """
        alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000
        alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci
        alias vfio_pci:v00001234d000011E8sv*sd*bc*sc*i* edu_vfio_pci
        """);
    vfio = Vfioctl.on(new Host(root, kernel, kernel.moduleLoader()));
  }

  private void write(String relative, String text) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  @Test
  void listsDevicesAndExplainsTheBestVfioDriver() throws VfioctlException {
    List<DeviceStatus> devices = vfio.devices();
    assertEquals(List.of(NIC, EDU), devices.stream().map(DeviceStatus::address).toList());
    assertEquals("e1000", devices.get(0).driver().orElseThrow());
    VfioResolver.Resolution r = vfio.bestVfioDriver(EDU);
    assertEquals("edu_vfio_pci", r.best().module());
    assertEquals("vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*", r.best().alias());
    assertEquals(List.of("edu_vfio_pci", "vfio_pci"), r.candidates().stream().map(VfioResolver.Choice::module).toList());
    VfioctlException missing = assertThrows(VfioctlException.class, () -> vfio.bestVfioDriver("0000:09:00.0"));
    assertEquals("no such device: 0000:09:00.0", missing.getMessage());
  }

  @Test
  void preparesAndReleasesAddressesAsOneTransaction() throws VfioctlException {
    DomainHandover.Report before = vfio.check(List.of(NIC, EDU));
    assertTrue(before.ok(), before::toString);
    assertEquals("detach to vfio-pci", before.hostdevs().get(0).action());
    assertEquals(List.of(NIC, EDU), vfio.prepare(List.of(NIC, EDU)));
    assertEquals("vfio-pci", kernel.device(NIC).driver().orElseThrow());
    assertEquals("edu-vfio-variant", kernel.device(EDU).driver().orElseThrow());
    assertTrue(vfio.device(NIC).vfioBound());
    vfio.release(List.of(NIC, EDU));
    assertEquals("e1000", kernel.device(NIC).driver().orElseThrow());
    assertFalse(kernel.device(EDU).driver().isPresent());
  }

  @Test
  void preparesAndReleasesADomainAndNeverExits() throws Exception {
    Domain guest = Vfioctl.parseDomain("""
        <domain><name>g</name><devices>
          <hostdev mode='subsystem' type='pci' managed='no'>
            <driver name='vfio' model='vfio-pci'/>
            <source><address domain='0x0000' bus='0x00' slot='0x02' function='0x0'/></source>
          </hostdev>
        </devices></domain>
        """.getBytes(StandardCharsets.UTF_8), "g.xml");
    List<String> actions = new ArrayList<>();
    Vfioctl dry = vfio.withDryRun(true).withLog(new Log() {
      @Override
      public void debug(String message) {}

      @Override
      public void warn(String message) {}

      @Override
      public void action(Action action) {
        actions.add(action.describe());
      }
    });
    assertEquals(List.of(NIC), dry.prepare(guest));
    assertTrue(actions.contains("write /sys/bus/pci/devices/" + NIC + "/driver_override vfio-pci"), actions::toString);
    assertEquals("e1000", kernel.device(NIC).driver().orElseThrow(), "a dry run changes nothing");
    assertEquals(List.of(NIC), vfio.prepare(guest));
    assertEquals("vfio-pci", kernel.device(NIC).driver().orElseThrow());
    assertEquals(List.of(NIC), vfio.release(guest));
    assertEquals("e1000", kernel.device(NIC).driver().orElseThrow());

    DomainXmlException bad = assertThrows(DomainXmlException.class,
        () -> Vfioctl.parseDomain("<domain>".getBytes(StandardCharsets.UTF_8), "bad.xml"));
    assertTrue(bad.getMessage().startsWith("bad.xml:1: "), bad.getMessage());
  }

  @Test
  void aDeviceInUseNeedsForce() throws Exception {
    kernel.addLink("/sys/class/net/eth0", "../../devices/pci0000:00/" + NIC + "/net/eth0")
        .addFile("/sys/class/net/eth0/flags", "0x1003");
    VfioctlException refused = assertThrows(VfioctlException.class, () -> vfio.prepare(List.of(NIC)));
    assertTrue(refused.getMessage().startsWith(NIC + " is in use: its interface eth0 is up"), refused.getMessage());
    assertEquals(1, refused.exitCode());
    vfio.withForce(true).prepare(List.of(NIC));
    assertEquals("vfio-pci", kernel.device(NIC).driver().orElseThrow());
  }
}
