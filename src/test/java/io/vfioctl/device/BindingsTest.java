package io.vfioctl.device;

import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.testing.MachineTest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whether a host driver holds a device: one answer for the in-use checks and for reattach. */
class BindingsTest extends MachineTest {
  private static final DevicePaths NIC_PATHS = DevicePaths.of(new DeviceName(DeviceName.PCI, NIC), Optional.empty());

  private static DeviceState boundTo(String driver) {
    return new DeviceState(Optional.empty(), Optional.of(driver));
  }

  @Test
  void aHostDriverIsOneWithoutVfioInItsNameOrAVfioDevDirectory() {
    assertTrue(Bindings.hostDriver(m.host(), NIC_PATHS, Bindings.current(m.host(), NIC_PATHS)), "e1000");
    assertFalse(Bindings.hostDriver(m.host(), NIC_PATHS, new DeviceState(Optional.empty(), Optional.empty())),
        "no driver");
    assertFalse(Bindings.hostDriver(m.host(), NIC_PATHS, boundTo("vfio-pci")),
        "a VFIO driver by its name, on a kernel that shows no vfio-dev directory");
    m.run("set-override", NIC, "vfio-pci");
    assertTrue(m.kernel.exists("/sys/bus/pci/devices/" + NIC + "/vfio-dev"));
    assertFalse(Bindings.hostDriver(m.host(), NIC_PATHS, boundTo("mystery")), "a VFIO driver by its vfio-dev directory");
  }
}
