package io.vfioctl.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.host.ModuleLoadException;
import io.vfioctl.sim.KernelSimulator.SimDriverSpec;
import io.vfioctl.sysfs.Errno;
import io.vfioctl.sysfs.SysfsWriteException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator must behave as drivers/base and drivers/pci do, or the command tests prove nothing. */
class KernelSimulatorTest {
  static final String NIC = "0000:00:02.0";
  static final String EDU = "0000:00:03.0";
  KernelSimulator k;

  @BeforeEach
  void setUp() throws Exception {
    k = new KernelSimulator();
    k.defineModule("e1000", SimDriverSpec.host("e1000", PciId.of(0x8086, 0x100e)));
    k.defineModule("vfio_pci", SimDriverSpec.vfio("vfio-pci", PciId.vfioOverride(PciId.ANY, PciId.ANY)));
    k.defineModule("edu_vfio_pci", SimDriverSpec.vfio("edu-vfio-variant", PciId.vfioOverride(0x1234, 0x11e8)));
    k.addDevice(NIC, 0x8086, 0x100e, 0x020000, 2);
    k.addDevice(EDU, 0x1234, 0x11e8, 0x00ff00, 3);
    k.loadModule("e1000");
  }

  String dev(String d, String file) {
    return "/sys/bus/pci/devices/" + d + "/" + file;
  }

  @Test
  void loadingAModuleBindsMatchingDevices() {
    assertEquals(Optional.of("e1000"), k.linkName(dev(NIC, "driver")));
    assertEquals(List.of("pci:e1000"), k.list("/sys/module/e1000/drivers"));
    assertEquals(Optional.empty(), k.linkName(dev(EDU, "driver")));
  }

  @Test
  void overrideOnlyIdsNeverMatchWithoutOverride() throws Exception {
    k.loadModule("edu-vfio-pci");
    k.loadModule("vfio_pci");
    k.write("/sys/bus/pci/drivers_probe", EDU);
    assertEquals(Optional.empty(), k.linkName(dev(EDU, "driver")));
  }

  @Test
  void overrideLetsOnlyTheNamedDriverBindAndItAlwaysMatches() throws Exception {
    k.loadModule("vfio_pci");
    k.write(dev(NIC, "driver_override"), "vfio-pci");
    assertEquals(Optional.of("e1000"), k.linkName(dev(NIC, "driver")), "writing the override neither unbinds nor binds");
    k.write(dev(NIC, "driver/unbind"), NIC);
    SysfsWriteException e = assertThrows(SysfsWriteException.class, () -> k.write("/sys/bus/pci/drivers/e1000/bind", NIC));
    assertEquals(Errno.ENODEV, e.errno());
    k.write("/sys/bus/pci/drivers_probe", NIC);
    assertEquals(Optional.of("vfio-pci"), k.linkName(dev(NIC, "driver")));
    assertTrue(k.exists(dev(NIC, "vfio-dev")));
    assertEquals(List.of("vfio0"), k.list(dev(NIC, "vfio-dev")));
    assertTrue(k.exists("/dev/vfio/2"));
  }

  @Test
  void overrideReadsNullWhenUnsetAndClearsOnEmptyWrite() throws Exception {
    assertEquals(Optional.of("(null)"), k.read(dev(NIC, "driver_override")));
    k.write(dev(NIC, "driver_override"), "x");
    assertEquals(Optional.of("x"), k.read(dev(NIC, "driver_override")));
    k.write(dev(NIC, "driver_override"), "");
    assertEquals(Optional.of("(null)"), k.read(dev(NIC, "driver_override")));
  }

  @Test
  void noneKeepsEveryDriverAway() throws Exception {
    k.write(dev(NIC, "driver_override"), "none");
    k.write(dev(NIC, "driver/unbind"), NIC);
    k.write("/sys/bus/pci/drivers_probe", NIC);
    assertFalse(k.exists(dev(NIC, "driver")));
  }

  @Test
  void variantBindsThroughOverrideAndModuleLoadBindsWaitingDevice() throws Exception {
    k.write(dev(EDU, "driver_override"), "edu-vfio-variant");
    k.loadModule("edu_vfio_pci");
    assertEquals(Optional.of("edu-vfio-variant"), k.linkName(dev(EDU, "driver")));
    assertEquals(List.of("pci:edu-vfio-variant"), k.list("/sys/module/edu_vfio_pci/drivers"));
    assertEquals(Optional.of("edu-vfio-variant"), k.linkName("/sys/module/edu_vfio_pci/drivers/pci:edu-vfio-variant"));
  }

  @Test
  void unbindWithTheWrongDeviceAndBindOfABoundDeviceFail() throws Exception {
    assertEquals(Errno.ENODEV, assertThrows(SysfsWriteException.class,
        () -> k.write("/sys/bus/pci/drivers/e1000/unbind", EDU)).errno());
    assertEquals(Errno.EBUSY, assertThrows(SysfsWriteException.class,
        () -> k.write("/sys/bus/pci/drivers/e1000/bind", NIC)).errno());
    assertEquals(Errno.ENODEV, assertThrows(SysfsWriteException.class,
        () -> k.write("/sys/bus/pci/drivers_probe", "0000:09:00.0")).errno());
  }

  @Test
  void failedProbeLeavesTheDeviceUnboundAndProbeStillSucceeds() throws Exception {
    k.failProbe("e1000", NIC, Errno.EIO);
    k.write(dev(NIC, "driver/unbind"), NIC);
    k.write("/sys/bus/pci/drivers_probe", NIC);
    assertFalse(k.exists(dev(NIC, "driver")));
    assertEquals(Errno.EIO, assertThrows(SysfsWriteException.class,
        () -> k.write("/sys/bus/pci/drivers/e1000/bind", NIC)).errno());
  }

  @Test
  void newIdBindsUnboundDevicesAndRemoveIdForgets() throws Exception {
    k.loadModule("vfio_pci");
    k.write("/sys/bus/pci/drivers/vfio-pci/new_id", "1234 11e8");
    assertEquals(Optional.of("vfio-pci"), k.linkName(dev(EDU, "driver")));
    assertEquals(Errno.EEXIST, assertThrows(SysfsWriteException.class,
        () -> k.write("/sys/bus/pci/drivers/vfio-pci/new_id", "1234 11e8")).errno());
    k.write("/sys/bus/pci/drivers/vfio-pci/remove_id", "1234 11e8");
    assertEquals(Errno.ENODEV, assertThrows(SysfsWriteException.class,
        () -> k.write("/sys/bus/pci/drivers/vfio-pci/remove_id", "1234 11e8")).errno());
  }

  @Test
  void modulesAreLoadedByEitherSpellingAndUnknownOrRefusedOnesFail() throws Exception {
    k.loadModule("vfio-pci");
    assertTrue(k.isLoaded("vfio_pci"));
    assertThrows(ModuleLoadException.class, () -> k.loadModule("nosuch"));
    k.refuseModule("edu_vfio_pci", "blacklisted");
    assertThrows(ModuleLoadException.class, () -> k.loadModule("edu_vfio_pci"));
  }

  @Test
  void devicesAreReachedThroughDevpathAndShowTheirIds() throws Exception {
    assertEquals(Optional.of("pci:v00008086d0000100Esv00008086sd0000100Ebc02sc00i00"), k.read(dev(NIC, "modalias")));
    assertEquals(Optional.of("0x020000"), k.read("/sys/devices/pci0000:00/" + NIC + "/class"));
    assertEquals(Optional.of("2"), k.linkName(dev(NIC, "iommu_group")));
    assertEquals(List.of(NIC), k.list("/sys/kernel/iommu_groups/2/devices"));
  }

  @Test
  void injectedWriteFaultsFailWithTheirErrno() {
    k.failWrites(dev(NIC, "driver_override"), Errno.EINVAL);
    assertEquals(Errno.EINVAL, assertThrows(SysfsWriteException.class, () -> k.write(dev(NIC, "driver_override"), "x")).errno());
  }
}
