package io.vfioctl.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.api.ApiTestMachine;
import io.vfioctl.api.DeviceStatus;
import io.vfioctl.api.Domain;
import io.vfioctl.api.HandoverCheck;
import io.vfioctl.api.Log;
import io.vfioctl.api.VfioResolution;
import io.vfioctl.api.Vfioctl;
import io.vfioctl.api.VfioctlException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API as a management stack uses it, from another package and with exported types only
 * ({@link ApiTestMachine} hides the simulated kernel behind the Vfioctl it makes).
 */
class VfioctlApiTest {
  static final String NIC = ApiTestMachine.NIC;
  static final String EDU = ApiTestMachine.EDU;

  @TempDir Path root;
  ApiTestMachine machine;
  Vfioctl vfio;

  @BeforeEach
  void machine() throws Exception {
    machine = new ApiTestMachine(root);
    vfio = machine.vfioctl();
  }

  @Test
  void listsDevicesAndExplainsTheBestVfioDriver() throws VfioctlException {
    List<DeviceStatus> devices = vfio.devices();
    assertEquals(List.of(NIC, EDU), devices.stream().map(DeviceStatus::address).toList());
    assertEquals("e1000", devices.get(0).driver().orElseThrow());
    VfioResolution r = vfio.bestVfioDriver(EDU);
    assertEquals("edu_vfio_pci", r.best().module());
    assertEquals("vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*", r.best().alias());
    assertEquals(List.of("edu_vfio_pci", "vfio_pci"), r.candidates().stream().map(VfioResolution.Choice::module).toList());
    VfioctlException missing = assertThrows(VfioctlException.class, () -> vfio.bestVfioDriver("0000:09:00.0"));
    assertEquals("no such device: 0000:09:00.0", missing.getMessage());
  }

  @Test
  void preparesAndReleasesAddressesAsOneTransaction() throws VfioctlException {
    HandoverCheck before = vfio.check(List.of(NIC, EDU));
    assertTrue(before.ok(), before::toString);
    assertEquals("detach to vfio-pci", before.hostdevs().get(0).action());
    assertEquals(List.of(NIC, EDU), vfio.prepare(List.of(NIC, EDU)));
    assertEquals("vfio-pci", machine.driverOf(NIC).orElseThrow());
    assertEquals("edu-vfio-variant", machine.driverOf(EDU).orElseThrow());
    assertTrue(vfio.device(NIC).vfioBound());
    vfio.release(List.of(NIC, EDU));
    assertEquals("e1000", machine.driverOf(NIC).orElseThrow());
    assertFalse(machine.driverOf(EDU).isPresent());
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
      public void action(String step) {
        actions.add(step);
      }
    });
    assertEquals(List.of(NIC), dry.prepare(guest));
    assertTrue(actions.contains("write /sys/bus/pci/devices/" + NIC + "/driver_override vfio-pci"), actions::toString);
    assertEquals("e1000", machine.driverOf(NIC).orElseThrow(), "a dry run changes nothing");
    assertEquals(List.of(NIC), vfio.prepare(guest));
    assertEquals("vfio-pci", machine.driverOf(NIC).orElseThrow());
    assertEquals(List.of(NIC), vfio.release(guest));
    assertEquals("e1000", machine.driverOf(NIC).orElseThrow());

    VfioctlException bad = assertThrows(VfioctlException.class,
        () -> Vfioctl.parseDomain("<domain>".getBytes(StandardCharsets.UTF_8), "bad.xml"));
    assertTrue(bad.getMessage().startsWith("bad.xml:1: "), bad.getMessage());
  }

  @Test
  void aDeviceInUseNeedsForce() throws Exception {
    machine.interfaceUp(NIC, "eth0");
    VfioctlException refused = assertThrows(VfioctlException.class, () -> vfio.prepare(List.of(NIC)));
    assertTrue(refused.getMessage().startsWith(NIC + " is in use: its interface eth0 is up"), refused.getMessage());
    assertEquals(1, refused.exitCode());
    vfio.withForce(true).prepare(List.of(NIC));
    assertEquals("vfio-pci", machine.driverOf(NIC).orElseThrow());
  }
}
