package io.vfioctl.api;

import io.vfioctl.testing.TestMachine;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The standard simulated machine ({@link TestMachine}) behind a {@link Vfioctl}, for tests that
 * use the API as a management stack does, with exported types only. The Vfioctl is made here, in
 * its package, because the Host it needs is not exported.
 */
public final class ApiTestMachine {
  public static final String NIC = TestMachine.NIC;
  public static final String EDU = TestMachine.EDU;
  public static final String VIRTIO = TestMachine.VIRTIO;
  public static final String FN0 = TestMachine.FN0;
  public static final String FN1 = TestMachine.FN1;
  public static final String RELEASE = TestMachine.RELEASE;

  private final TestMachine machine;

  public ApiTestMachine(Path root) {
    machine = new TestMachine(root);
  }

  public Vfioctl vfioctl() {
    return Vfioctl.on(machine.host());
  }

  /** The driver the simulated kernel has bound to {@code address}. */
  public Optional<String> driverOf(String address) {
    return machine.kernel.device(address).driver();
  }

  /** Gives the device the network interface {@code name}, up. */
  public void interfaceUp(String address, String name) {
    machine.kernel.addLink("/sys/class/net/" + name, "../../devices/pci0000:00/" + address + "/net/" + name)
        .addFile("/sys/class/net/" + name + "/flags", "0x1003");
  }
}
