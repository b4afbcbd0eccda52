package io.vfioctl.libvirt;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN1;
import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vfioctl.change.OverrideEngine;
import io.vfioctl.core.Action;
import io.vfioctl.core.DeviceName;
import io.vfioctl.core.Log;
import io.vfioctl.core.PciAddress;
import io.vfioctl.core.Settings;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.host.Host;
import io.vfioctl.preflight.Problem;
import io.vfioctl.preflight.Problem.Kind;
import io.vfioctl.resolve.TargetResolver;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.testing.MachineTest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code domain check}'s problems, each with its kind, and what prepare makes of them: it goes by the kind. */
class DomainHandoverTest extends MachineTest {
  static final String MISSING = "0000:00:09.0";

  private static Hostdev unmanaged(String address) {
    return new Hostdev(PciAddress.parse(address), false, Hostdev.Backend.VFIO, Optional.empty(), Optional.empty(),
        Hostdev.Source.HOSTDEV, 1);
  }

  private static List<List<Kind>> kinds(DomainHandover.Report report) {
    return report.hostdevs().stream().map(c -> c.found().stream().map(Problem::kind).toList()).toList();
  }

  /** The handover as the Java API wires it. */
  private DomainHandover handover() {
    Host host = m.host();
    Settings settings = new Settings(DeviceName.PCI, true, false, false, Optional.empty());
    Log log = new Log() {
      @Override
      public void debug(String message) {}

      @Override
      public void warn(String message) {}

      @Override
      public void action(Action action) {}
    };
    VfioResolver vfio = new VfioResolver(host);
    return new DomainHandover(host, settings, log, new OverrideEngine(host, settings, log,
        new TargetResolver(host, vfio, log)), vfio);
  }

  @Test
  void aDomainsProblemsEachHaveTheirKind() throws Exception {
    m.kernel.addLink("/sys/class/net/eth0", "../../devices/pci0000:00/" + NIC + "/net/eth0")
        .addFile("/sys/class/net/eth0/flags", "0x1003");
    Domain domain = new Domain("guest1", Optional.empty(), List.of(unmanaged(MISSING), unmanaged(NIC), unmanaged(FN1),
        unmanaged(EDU)), List.of());
    DomainHandover.Report report = handover().check(domain);
    assertEquals(List.of(List.of(Kind.DEVICE_MISSING), List.of(Kind.IN_USE, Kind.NOT_DETACHED),
        List.of(Kind.GROUP_NOT_VIABLE, Kind.NOT_DETACHED), List.of(Kind.NOT_DETACHED)), kinds(report));
    assertEquals(List.of("no such device: " + MISSING), report.hostdevs().get(0).problems());
    assertEquals(NIC + " is in use: its interface eth0 is up", report.hostdevs().get(1).problems().get(0));
  }

  private static DomainHandover.Report reportWith(Problem problem) {
    HostdevCheck check = new HostdevCheck(unmanaged(NIC), Optional.of("vfio-pci"), "vfio", "best fit",
        Optional.of("e1000"), false, Optional.of("2"), true, "detach to vfio-pci", List.of(problem), List.of());
    return new DomainHandover.Report(new Domain("guest1", Optional.empty(), List.of(check.hostdev()), List.of()),
        List.of(check));
  }

  @Test
  void prepareGoesByTheKindNotTheText() throws Exception {
    // Texts that say the opposite of their kind: the decision must not read them.
    Problem leftToDetach = Problem.of(Kind.IN_USE, NIC, "IOMMU group 2 of " + NIC + " is not viable: no such device");
    assertEquals(List.of(new OverrideEngine.Detachment(NIC, "vfio")),
        DomainHandover.toDetach(reportWith(leftToDetach), "domain guest1"));

    for (Kind blocking : List.of(Kind.GROUP_NOT_VIABLE, Kind.DEVICE_MISSING)) {
      Problem p = Problem.of(blocking, NIC, NIC + " is in use: its interface eth0 is up; " + NIC + " has no IOMMU group;"
          + " run 'vfioctl domain prepare' first");
      VfioctlException e = assertThrows(VfioctlException.class,
          () -> DomainHandover.toDetach(reportWith(p), "domain guest1"), blocking::toString);
      assertEquals("cannot prepare domain guest1: " + p.text(), e.getMessage());
    }
  }
}
