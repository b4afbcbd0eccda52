package io.vfioctl.preflight;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.FN1;
import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.core.Action;
import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.Log;
import io.vfioctl.core.Settings;
import io.vfioctl.device.Bindings;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.inuse.DeviceUse;
import io.vfioctl.preflight.Problem.Kind;
import io.vfioctl.status.StatusReader;
import io.vfioctl.testing.MachineTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each kind of problem the pre-flight check finds on a simulated machine: a change's checks
 * ({@link Preflight#moves}, {@link Preflight#groups}) and what {@code status} collects.
 */
class PreflightTest extends MachineTest {
  static final String NO_GROUP = "0000:00:07.0";
  static final Settings.Safety FORCE = new Settings.Safety(true, false);
  static final Settings.Safety NOIOMMU = new Settings.Safety(false, true);

  private final List<String> said = new ArrayList<>();
  private final Log log = new Log() {
    @Override
    public void debug(String message) {
      said.add("debug: " + message);
    }

    @Override
    public void warn(String message) {
      said.add("warning: " + message);
    }

    @Override
    public void action(Action action) {}
  };

  private static DevicePaths paths(String address) {
    return DevicePaths.of(new DeviceName(DeviceName.PCI, address), Optional.empty());
  }

  /** {@code address} as a change that unbinds it and hands it to a VFIO driver sees it. */
  private Preflight.Subject toVfio(String address) {
    DevicePaths d = paths(address);
    return new Preflight.Subject(d, Bindings.current(m.host(), d), true, true, new IommuGroups(m.host()).of(d));
  }

  private Preflight checks(Settings.Safety safety) {
    return new Preflight(m.host(), new DeviceUse(m.host()), safety);
  }

  private List<Problem> status(String address) throws Exception {
    return new StatusReader(m.host(), new Settings(DeviceName.PCI, true, true, false, Optional.empty())).read(address)
        .problems();
  }

  private static List<Kind> kinds(List<Problem> problems) {
    return problems.stream().map(Problem::kind).toList();
  }

  private void eth0Up() {
    m.kernel.addLink("/sys/class/net/eth0", "../../devices/pci0000:00/" + NIC + "/net/eth0")
        .addFile("/sys/class/net/eth0/flags", "0x1003");
  }

  private void noGroupNic() {
    m.kernel.addDevice(NO_GROUP, 0x8086, 0x100e, 0x8086, 0x100e, 0x020000, -1, -1);
  }

  @Test
  void aProcessHoldingAVfioDeviceRefusesItsUnbinding() throws Exception {
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    String group = m.holdVfioGroup(NIC, 4321, 9);
    DevicePaths d = paths(NIC);
    Preflight.Subject unset = new Preflight.Subject(d, Bindings.current(m.host(), d), true, false, Optional.empty());

    List<Problem> found = checks(FORCE).moves(List.of(unset));
    assertEquals(List.of(Kind.HELD_BY_PROCESS), kinds(found));
    assertTrue(found.get(0).refuses(), "--force does not waive it: the unbind would hang");
    assertEquals(NIC, found.get(0).device());
    assertEquals(List.of(new Problem(Kind.HELD_BY_PROCESS, NIC, NIC + " is in use: held by pid 4321 (qemu-system-x86)"
        + " through /dev/vfio/" + group, true)), status(NIC));
  }

  @Test
  void aDeviceTheHostUsesIsRefusedOrWithForceWarnedOf() throws Exception {
    eth0Up();
    List<Problem> refused = checks(Settings.Safety.CHECKED).moves(List.of(toVfio(NIC)));
    assertEquals(List.of(Kind.IN_USE), kinds(refused));
    assertTrue(refused.get(0).refuses());
    List<Problem> forced = checks(FORCE).moves(List.of(toVfio(NIC)));
    assertEquals(List.of(new Problem(Kind.IN_USE, NIC, "taking " + NIC + " from e1000 although its interface eth0 is"
        + " up (--force)", false)), forced);
    assertEquals(List.of(Kind.IN_USE), kinds(status(NIC)));
    assertEquals(List.of(), status(EDU));
  }

  @Test
  void aChangeStopsAtTheFirstProblemThatRefuses() {
    eth0Up();
    noGroupNic();
    List<Preflight.Subject> both = List.of(toVfio(NIC), toVfio(NO_GROUP));
    assertEquals(List.of(Kind.IN_USE), kinds(checks(Settings.Safety.CHECKED).moves(both)));
    List<Problem> forced = checks(FORCE).moves(both);
    assertEquals(List.of(Kind.IN_USE, Kind.NO_IOMMU_GROUP), kinds(forced));
    assertEquals(List.of(false, true), forced.stream().map(Problem::refuses).toList());
    assertEquals(NO_GROUP, forced.get(1).device());
  }

  @Test
  void noIommuGroupRefusesUnlessNoiommuThenWarns() throws Exception {
    noGroupNic();
    List<Preflight.Subject> one = List.of(toVfio(NO_GROUP));
    List<Problem> refused = checks(Settings.Safety.CHECKED).moves(one);
    assertEquals(List.of(Kind.NO_IOMMU_GROUP), kinds(refused));
    assertTrue(refused.get(0).refuses());

    Preflight noIommu = checks(NOIOMMU);
    assertEquals(List.of(), noIommu.moves(one));
    List<Problem> warned = noIommu.groups(one, log);
    assertEquals(List.of(Kind.NO_IOMMU_GROUP), kinds(warned));
    assertFalse(warned.get(0).refuses());
    assertEquals(List.of("warning: " + warned.get(0).text()), said);
    assertEquals(List.of(Kind.NO_IOMMU_GROUP), kinds(status(NO_GROUP)));
  }

  @Test
  void aGroupThatWillNotBeViableIsWarnedOfAndCollected() throws Exception {
    List<Problem> alone = checks(Settings.Safety.CHECKED).groups(List.of(toVfio(FN0)), log);
    assertEquals(List.of(new Problem(Kind.GROUP_NOT_VIABLE, FN0, "IOMMU group 5 of " + FN0 + " will not be viable for"
        + " VFIO while " + FN1 + " (e1000) stays bound to a host driver: detach it too, or use --group", false)), alone);
    assertEquals(List.of("warning: " + alone.get(0).text()), said);
    assertEquals(List.of(), checks(Settings.Safety.CHECKED).groups(List.of(toVfio(FN0), toVfio(FN1)), log));

    assertEquals(List.of(Kind.GROUP_NOT_VIABLE), kinds(status(FN0)));
    StatusReader reader = new StatusReader(m.host(), new Settings(DeviceName.PCI, true, true, false, Optional.empty()));
    assertEquals(List.of(), reader.read(paths(FN0), List.of(FN0, FN1)).problems(), "viable once both go to VFIO");
  }
}
