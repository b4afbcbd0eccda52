package io.vfioctl.api;

import io.vfioctl.host.Host;
import io.vfioctl.sim.KernelSimulator;
import io.vfioctl.sim.KernelSimulator.SimDriverSpec;
import io.vfioctl.sim.PciId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A simulated machine behind a {@link Vfioctl}, for tests that use the API as a management stack
 * does, with exported types only: a NIC on e1000 and an unbound device that a VFIO variant
 * driver fits. A Vfioctl on a simulated kernel is made here, in its package, because the Host it
 * needs is not exported.
 */
public final class ApiTestMachine {
  public static final String NIC = "0000:00:02.0";
  public static final String EDU = "0000:00:03.0";

  private final Path root;
  private final KernelSimulator kernel = new KernelSimulator();

  public ApiTestMachine(Path root) throws Exception {
    this.root = root;
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
  }

  private void write(String relative, String text) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  public Vfioctl vfioctl() {
    return Vfioctl.on(new Host(root, kernel, kernel.moduleLoader()));
  }

  /** The driver the simulated kernel has bound to {@code address}. */
  public Optional<String> driverOf(String address) {
    return kernel.device(address).driver();
  }

  /** Gives the device the network interface {@code name}, up. */
  public void interfaceUp(String address, String name) {
    kernel.addLink("/sys/class/net/" + name, "../../devices/pci0000:00/" + address + "/net/" + name)
        .addFile("/sys/class/net/" + name + "/flags", "0x1003");
  }
}
