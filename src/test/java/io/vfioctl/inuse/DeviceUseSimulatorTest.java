package io.vfioctl.inuse;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.testing.MachineTest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link DeviceUse} through the kernel simulator's port, as commands on a simulated machine see it. */
class DeviceUseSimulatorTest extends MachineTest {
  static final String FN0_VF0 = "0000:01:10.0";
  static final String FN0_VF1 = "0000:01:10.1";

  List<String> uses(String address) {
    return new DeviceUse(m.host()).uses(DevicePaths.of(new DeviceName("pci", address), Optional.empty()));
  }

  @Test
  void interfacesAndDisksThatTheSimulatorCarries() {
    m.kernel.addLink("/sys/class/net/eth0", "../../devices/pci0000:00/" + NIC + "/net/eth0")
        .addFile("/sys/class/net/eth0/flags", "0x1003")
        .addLink("/sys/class/net/lo", "../../devices/virtual/net/lo")
        .addFile("/sys/class/net/lo/flags", "0x9")
        .addLink("/sys/class/block/vda", "../../devices/pci0000:00/" + VIRTIO + "/virtio1/block/vda")
        .addFile("/sys/class/block/vda/dev", "254:0");
    m.write("proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        + "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
    m.write("proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n");
    assertEquals(List.of("its interface eth0 is up with route 10.0.2.0/24"), uses(NIC));
    assertEquals(List.of("its disk vda holds the root file system"), uses(VIRTIO));
    assertEquals(List.of(), uses(EDU));
  }

  @Test
  void aVfBoundToVfioKeepsItsPf() throws Exception {
    m.kernel.setDriversAutoprobe(FN0, false);
    m.kernel.addVfs(FN0, 0x8086, 0x10ed, 10, FN0_VF0, FN0_VF1);
    assertEquals(List.of(), uses(FN0), "VFs without a driver");
    m.load("vfio_pci");
    m.kernel.write("/sys/bus/pci/devices/" + FN0_VF1 + "/driver_override", "vfio-pci");
    m.kernel.write("/sys/bus/pci/drivers_probe", FN0_VF1);
    assertEquals(List.of("its VF " + FN0_VF1 + " is bound to vfio-pci"), uses(FN0));
  }

  @Test
  void theBootVgaDeviceUnderAFirmwareFramebuffer() {
    m.kernel.addFile("/sys/bus/pci/devices/" + EDU + "/boot_vga", "1");
    assertEquals(List.of(), uses(EDU), "no framebuffer");
    m.write("proc/fb", "0 EFI VGA\n");
    m.kernel.addFile("/sys/class/vtconsole/vtcon1/bind", "1").addFile("/sys/class/vtconsole/vtcon1/name",
        "(M) frame buffer device");
    assertEquals(List.of("it is the boot VGA device and the console's framebuffer (fb0 EFI VGA) uses it"), uses(EDU));
  }
}
