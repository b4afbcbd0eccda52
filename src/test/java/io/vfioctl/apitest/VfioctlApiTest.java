package io.vfioctl.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.api.ApiTestMachine;
import io.vfioctl.api.DeviceStatus;
import io.vfioctl.api.Domain;
import io.vfioctl.api.HandoverCheck;
import io.vfioctl.api.Hostdev;
import io.vfioctl.api.HostdevCheck;
import io.vfioctl.api.Log;
import io.vfioctl.api.Problem;
import io.vfioctl.api.VfioResolution;
import io.vfioctl.api.Vfioctl;
import io.vfioctl.api.VfioctlException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    assertEquals(List.of(NIC, EDU, ApiTestMachine.VIRTIO, ApiTestMachine.FN0, ApiTestMachine.FN1),
        devices.stream().map(DeviceStatus::address).toList());
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

  /** Every value crosses the boundary whole: what status, vfio-driver and domain check tell, field by field. */
  @Test
  void theApiValuesCarryWhatTheCommandsTell() throws Exception {
    VfioResolution edu = vfio.bestVfioDriver(EDU);
    assertEquals(new VfioResolution.Choice("edu_vfio_pci", "edu_vfio_pci", "vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*",
        5, false), edu.best());
    assertEquals(List.of(EDU, ApiTestMachine.RELEASE, Optional.<String>empty()), List.of(edu.device(), edu.kernel(), edu.ambiguity()));
    assertTrue(edu.modalias().startsWith("pci:v00001234d000011E8"), edu.modalias());

    vfio.prepare(List.of(NIC));
    DeviceStatus nic = vfio.device(NIC);
    assertEquals(List.of(Optional.of("0x8086"), Optional.of("0x100e"), Optional.of("0x020000"), Optional.of("vfio-pci"),
        Optional.of("vfio-pci"), Optional.of("2")),
        List.of(nic.vendor(), nic.device(), nic.classCode(), nic.driver(), nic.override(), nic.iommuGroup()));
    assertEquals(Optional.of(new DeviceStatus.Binding(Optional.empty(), Optional.of("e1000"))), nic.detachedFrom());
    assertEquals(List.of(new DeviceStatus.GroupMember(NIC, Optional.of("vfio-pci"), true, false)), nic.groupMembers());
    assertEquals(List.of(), nic.blockers());

    Domain guest = Vfioctl.parseDomain("""
        <domain><name>g</name><uuid>6F2A1C3E-0000-4000-8000-000000000001</uuid><devices>
          <hostdev mode='subsystem' type='pci' managed='yes'>
            <source><address domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></source>
          </hostdev>
        </devices></domain>
        """.getBytes(StandardCharsets.UTF_8), "g.xml");
    assertEquals(List.of("g", Optional.of("6f2a1c3e-0000-4000-8000-000000000001")), List.of(guest.name(), guest.uuid()));
    Hostdev taken = new Hostdev(EDU, true, Hostdev.Backend.DEFAULT, Optional.empty(), Optional.empty(),
        Hostdev.Source.HOSTDEV, 2);
    assertEquals(List.of(taken), guest.hostdevs());
    HandoverCheck check = vfio.check(guest);
    assertSame(guest, check.domain());
    HostdevCheck h = check.hostdevs().get(0);
    assertEquals(taken, h.hostdev());
    assertEquals(List.of(Optional.of("edu_vfio_pci"), Optional.empty(), Optional.of("3")),
        List.of(h.driver(), h.current(), h.group()));
    assertFalse(h.needsDetach(), "libvirt binds a managed device itself");
    assertTrue(h.groupViable());

    vfio.release(List.of(NIC));
    machine.interfaceUp(NIC, "eth0");
    HandoverCheck inUse = vfio.check(List.of(NIC));
    assertFalse(inUse.ok());
    assertEquals("(devices)", inUse.domain().name());
    Problem problem = inUse.hostdevs().get(0).problems().get(0);
    assertEquals(List.of(Problem.Kind.IN_USE, NIC), List.of(problem.kind(), problem.device()));
    assertTrue(problem.text().startsWith(NIC + " is in use: its interface eth0 is up"), problem::text);
    assertEquals(List.of(problem), vfio.device(NIC).problems());
  }
}
