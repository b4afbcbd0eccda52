package io.vfioctl.testing;

import io.vfioctl.cli.Main;
import io.vfioctl.host.Host;
import io.vfioctl.sim.KernelSimulator;
import io.vfioctl.sim.KernelSimulator.SimDriverSpec;
import io.vfioctl.sim.PciId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The standard simulated machine of the tests: a kernel simulator for /sys and a temporary
 * directory for the rest of the root (etc/driverctl.d, lib/modules, proc, run).
 *
 * <p>Devices: {@link #NIC} (e1000, group 2), {@link #EDU} (QEMU edu, no host driver, group 3),
 * {@link #VIRTIO} (virtio-net, group 4), {@link #FN0}/{@link #FN1} (two e1000 functions sharing
 * group 5). These names mean these addresses in every test; a test that adds a device of its own
 * gives it another name.
 */
public final class TestMachine {
  public static final String NIC = "0000:00:02.0";
  public static final String EDU = "0000:00:03.0";
  public static final String VIRTIO = "0000:00:04.0";
  public static final String FN0 = "0000:01:00.0";
  public static final String FN1 = "0000:01:00.1";

  public static final String RELEASE = "6.12.0-sim";
  public static final String MODULES_ALIAS = """
      # Aliases for modules in /lib/modules/6.12.0-sim
      alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000
      alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci
      alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci
      alias vfio_pci:v00001234d000011E8sv*sd*bc*sc*i* edu_vfio_pci
      """;

  public final Path root;
  public final KernelSimulator kernel = standardKernel();
  public final Map<String, String> env = new HashMap<>();

  public TestMachine(Path root) {
    this.root = root;
    write("proc/sys/kernel/osrelease", RELEASE + "\n");
    modulesAlias(MODULES_ALIAS);
  }

  /**
   * The standard machine's /sys alone: its modules defined, its devices present, e1000 and
   * virtio_pci loaded (vfio_pci and edu_vfio_pci are not).
   */
  public static KernelSimulator standardKernel() {
    KernelSimulator kernel = new KernelSimulator();
    kernel.defineModule("e1000", SimDriverSpec.host("e1000", PciId.of(0x8086, 0x100e)));
    kernel.defineModule("virtio_pci", SimDriverSpec.host("virtio-pci", new PciId(0x1af4, PciId.ANY, PciId.ANY, PciId.ANY, 0, 0, false)));
    kernel.defineModule("vfio_pci", SimDriverSpec.vfio("vfio-pci", PciId.vfioOverride(PciId.ANY, PciId.ANY)));
    kernel.defineModule("edu_vfio_pci", SimDriverSpec.vfio("edu-vfio-variant", PciId.vfioOverride(0x1234, 0x11e8)));
    kernel.addDevice(NIC, 0x8086, 0x100e, 0x020000, 2);
    kernel.addDevice(EDU, 0x1234, 0x11e8, 0x00ff00, 3);
    kernel.addDevice(VIRTIO, 0x1af4, 0x1000, 0x020000, 4);
    kernel.addDevice(FN0, 0x8086, 0x100e, 0x020000, 5);
    kernel.addDevice(FN1, 0x8086, 0x100e, 0x020000, 5);
    load(kernel, "e1000");
    load(kernel, "virtio_pci");
    return kernel;
  }

  public void load(String module) {
    load(kernel, module);
  }

  private static void load(KernelSimulator kernel, String module) {
    try {
      kernel.loadModule(module);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Replaces the modules.alias of kernel {@link #RELEASE} ({@link #MODULES_ALIAS} at first). */
  public TestMachine modulesAlias(String text) {
    return write("lib/modules/" + RELEASE + "/modules.alias", text);
  }

  public Host host() {
    return new Host(root, kernel, kernel.moduleLoader());
  }

  public TestMachine write(String relative, String content) {
    try {
      Path p = root.resolve(relative);
      Files.createDirectories(p.getParent());
      Files.writeString(p, content);
      return this;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public String persisted(String device) {
    try {
      Path p = root.resolve("etc/driverctl.d/pci-" + device);
      return Files.exists(p) ? Files.readString(p) : null;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** What detach recorded for the device, or null. */
  public String detachedFrom(String device) {
    try {
      Path p = root.resolve("run/vfioctl/detached/pci-" + device);
      return Files.exists(p) ? Files.readString(p) : null;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public String driver(String device) {
    return kernel.device(device).driver().orElse(null);
  }

  public String override(String device) {
    return kernel.device(device).override().orElse(null);
  }

  /** Runs vfioctl against this machine. */
  public Result run(String... args) {
    return runAs("vfioctl", args);
  }

  /** Runs vfioctl as called by {@code program}: {@code driverctl} through the drop-in link. */
  public Result runAs(String program, String... args) {
    return runWith(program, main -> main, args);
  }

  /** Runs vfioctl as {@code program}, its Main first configured by {@code configure} (with a test hook). */
  public Result runWith(String program, java.util.function.UnaryOperator<Main> configure, String... args) {
    return CliRunner.run(configure.apply(new Main(env, r -> host(), program)), args);
  }

  /** What a run of vfioctl printed and its exit code ({@link CliRunner} makes them). */
  public record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /**
   * A process {@code pid} named qemu-system-x86 in the root's {@code proc} holding {@code device}'s
   * VFIO group open as descriptor {@code fd}, the way QEMU does.
   *
   * @return the group
   */
  public String holdVfioGroup(String device, int pid, int fd) throws IOException {
    String group = kernel.linkName("/sys/bus/pci/devices/" + device + "/iommu_group").orElseThrow();
    Path fds = Files.createDirectories(root.resolve("proc/" + pid + "/fd"));
    Files.writeString(root.resolve("proc/" + pid + "/comm"), "qemu-system-x86\n");
    Files.createSymbolicLink(fds.resolve(Integer.toString(fd)), Path.of("/dev/vfio/" + group));
    return group;
  }
}
