package io.vfioctl.bench;

import io.vfioctl.host.RootLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Fake roots shaped like real hosts, for bench/compare: a chipset, root complexes with root
 * ports, SR-IOV NICs and accelerators (PFs with {@code sriov_numvfs} and {@code virtfn*}
 * links, VFs with {@code physfn}), GPUs with their audio functions, NVMe drives and a BMC's VGA
 * behind its bridge. Every function is in one IOMMU group; some are bound to VFIO drivers
 * ({@code vfio-pci} and the in-tree variants, each with a {@code vfio-dev/vfioN} directory) and
 * have a saved override in {@code etc/driverctl.d} (the driver, or the word {@code vfio}).
 *
 * <p>{@code HostGenerator DIR N SEED MODULES_ALIAS [--booted]} writes exactly N PCI functions;
 * the same seed gives the same root. {@code --booted} writes the same host as udev finds it at
 * boot, before any {@code load-override}: the devices with a saved override are still bound to
 * their host driver, with no override set (the VFIO modules are loaded).
 *
 * <p>{@code HostGenerator --settle DIR} does what the kernel's probe would after a change made with
 * {@code --noprobe}, which no kernel follows on a fake root: see {@link #settle}.
 */
public final class HostGenerator {
  public static final String RELEASE = "6.12.95+deb12-amd64";
  static final String VFIO_PCI = "vfio-pci";

  /** A kind of PCI function: IDs, class, host driver and its module (null when built in or none). */
  record Model(int vendor, int device, int classCode, String driver, String module) {}

  /** An SR-IOV card: its PF and VF, ports (PFs), and the VFIO driver its VFs get (a variant, or vfio-pci). */
  record Sriov(Model pf, Model vf, int ports, int maxVfs, String vfioDriver, String vfioModule, boolean pfsShareGroup) {}

  static final Model HOST_BRIDGE = new Model(0x8086, 0x09a2, 0x060000, null, null);
  static final Model STACK_UNIT = new Model(0x8086, 0x09a3, 0x088000, null, null);
  static final Model ROOT_PORT = new Model(0x8086, 0x347a, 0x060400, "pcieport", null);
  static final Model XHCI = new Model(0x8086, 0xa1af, 0x0c0330, "xhci_hcd", "xhci_pci");
  static final Model MEI = new Model(0x8086, 0xa1ba, 0x078000, "mei_me", "mei_me");
  static final Model AHCI = new Model(0x8086, 0xa182, 0x010601, "ahci", "ahci");
  static final Model LPC = new Model(0x8086, 0xa1cb, 0x060100, "lpc_ich", "lpc_ich");
  static final Model PMC = new Model(0x8086, 0xa1a1, 0x058000, null, null);
  static final Model SMBUS = new Model(0x8086, 0xa1a3, 0x0c0500, "i801_smbus", "i2c_i801");
  static final Model BMC_BRIDGE = new Model(0x1a03, 0x1150, 0x060400, null, null);
  static final Model BMC_VGA = new Model(0x1a03, 0x2000, 0x030000, "ast", "ast");
  static final Model[] NVME = {
      new Model(0x144d, 0xa80a, 0x010802, "nvme", "nvme"), new Model(0x8086, 0x0b60, 0x010802, "nvme", "nvme")};
  static final Model[][] GPUS = {
      {new Model(0x10de, 0x24b0, 0x030000, "nouveau", "nouveau"),
          new Model(0x10de, 0x228b, 0x040300, "snd_hda_intel", "snd_hda_intel")},
      {new Model(0x1002, 0x73bf, 0x030000, "amdgpu", "amdgpu"),
          new Model(0x1002, 0xab28, 0x040300, "snd_hda_intel", "snd_hda_intel")}};
  static final Sriov CX6DX = new Sriov(new Model(0x15b3, 0x101d, 0x020000, "mlx5_core", "mlx5_core"),
      new Model(0x15b3, 0x101e, 0x020000, "mlx5_core", "mlx5_core"), 2, 64, "mlx5_vfio_pci", "mlx5_vfio_pci", false);
  static final Sriov[] NICS = {
      CX6DX,
      new Sriov(new Model(0x8086, 0x1572, 0x020000, "i40e", "i40e"), new Model(0x8086, 0x154c, 0x020000, "iavf", "iavf"),
          2, 64, VFIO_PCI, "vfio_pci", false),
      new Sriov(new Model(0x8086, 0x159b, 0x020000, "ice", "ice"), new Model(0x8086, 0x1889, 0x020000, "iavf", "iavf"),
          2, 64, VFIO_PCI, "vfio_pci", false),
      new Sriov(new Model(0x8086, 0x10fb, 0x020000, "ixgbe", "ixgbe"),
          new Model(0x8086, 0x10ed, 0x020000, "ixgbevf", "ixgbevf"), 2, 32, VFIO_PCI, "vfio_pci", true),
      new Sriov(new Model(0x1dd8, 0x1002, 0x120000, "ionic", "ionic"), new Model(0x1dd8, 0x1003, 0x020000, "ionic", "ionic"),
          1, 128, "pds_vfio_pci", "pds_vfio_pci", false)};
  static final Sriov QAT = new Sriov(new Model(0x8086, 0x4940, 0x0b4000, "4xxx", "qat_4xxx"),
      new Model(0x8086, 0x4941, 0x0b4000, "4xxxvf", "qat_4xxxvf"), 1, 16, "qat_vfio_pci", "qat_vfio_pci", false);
  static final int[] OEMS = {0x15d9, 0x1028, 0x1590, 0x17aa};

  private final Path root;
  private final RootLayout layout;
  private final Random rnd;
  private final boolean booted;
  private final int board;
  private int remaining;
  private int domain;
  private int nextBus;
  private int complexes;
  private String complex;
  private int complexBus;
  private int portsUsed;
  private int portsPerComplex;
  private int groups;
  private int vfioDevices;
  private int cards;
  private boolean bmc;

  private HostGenerator(Path dir, int n, long seed, boolean booted) throws IOException {
    this.root = dir.toAbsolutePath();
    this.layout = new RootLayout(root);
    this.rnd = new Random(seed);
    this.booted = booted;
    this.board = OEMS[rnd.nextInt(OEMS.length)];
    this.remaining = n;
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--settle")) {
      System.out.println(args[1] + ": " + settle(Path.of(args[1])) + " functions bound as their override asks");
      return;
    }
    if (args.length != 4 && !(args.length == 5 && args[4].equals("--booted"))) {
      System.err.println("usage: HostGenerator DIR N SEED MODULES_ALIAS [--booted] | --settle DIR");
      System.exit(2);
    }
    HostGenerator g = generate(Path.of(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]), Path.of(args[3]),
        args.length == 5);
    System.out.println(g.summary());
  }

  /** Writes a host of exactly {@code n} PCI functions into {@code dir}, which must not hold one yet. */
  public static HostGenerator generate(Path dir, int n, long seed, Path modulesAlias, boolean booted)
      throws IOException {
    HostGenerator g = new HostGenerator(dir, n, seed, booted);
    g.chipset();
    while (g.remaining > 0) {
      String port = g.rootPort();
      if (port != null && g.remaining > 0) {
        g.card(port);
      }
    }
    Path modules = Files.createDirectories(dir.resolve("lib/modules/" + RELEASE));
    Files.copy(modulesAlias, modules.resolve("modules.alias"));
    Files.createDirectories(dir.resolve("proc/sys/kernel"));
    Files.writeString(dir.resolve("proc/sys/kernel/osrelease"), RELEASE + "\n");
    Files.createDirectories(dir.resolve("run"));
    // bench/compare runs driverctl only where this file shows that the fake sys is mounted.
    Files.writeString(dir.resolve("sys/vfioctl-fake-root"), "a fake root made by HostGenerator\n");
    return g;
  }

  String summary() {
    return String.format("%s: %d groups, %d cards, %d functions bound to VFIO%s", root, groups, cards, vfioDevices,
        booted ? " (booted: none bound yet)" : "");
  }

  private void chipset() throws IOException {
    complex = "pci0000:00";
    complexes = 1;
    nextBus = 1;
    portsPerComplex = 16;
    String pchGroup = null;
    for (Object[] f : new Object[][] {{0x00, 0, HOST_BRIDGE}, {0x14, 0, XHCI}, {0x16, 0, MEI}, {0x17, 0, AHCI},
        {0x1f, 0, LPC}, {0x1f, 2, PMC}, {0x1f, 4, SMBUS}}) {
      if (remaining == 0) {
        return;
      }
      String name = address(0, (Integer) f[0], (Integer) f[1]);
      // The PCH's LPC, PMC and SMBus functions have no ACS between them: one group.
      String group = (Integer) f[0] != 0x1f ? newGroup() : pchGroup != null ? pchGroup : (pchGroup = newGroup());
      add(complex, name, (Model) f[2], board, 0x0000, group);
    }
  }

  /** A root port on the current complex (a new complex when it is full); null when N is reached first. */
  private String rootPort() throws IOException {
    if (portsUsed == portsPerComplex) {
      if (nextBus > 0xff - 2 * 4) { // a complex takes a bus, and a BMC two per port at most
        domain++;
        nextBus = 0;
      }
      int bus = allocateBus();
      complex = String.format("pci%04x:%02x", domain, bus);
      complexBus = bus;
      complexes++;
      portsUsed = 0;
      portsPerComplex = 4;
      add(complex, address(bus, 0, 0), STACK_UNIT, board, 0x0000, newGroup());
      if (remaining == 0) {
        return null;
      }
    }
    int slot = complexBus == 0 && domain == 0 ? 0x1c * 8 + portsUsed : (portsUsed + 1) * 8;
    portsUsed++;
    String name = address(complexBus, slot >> 3, slot & 7);
    add(complex, name, ROOT_PORT, board, 0x0000, newGroup());
    return complex + "/" + name;
  }

  /** One card in the slot of {@code port}: the first cards give small hosts a GPU and a NIC with VFs. */
  private void card(String port) throws IOException {
    int bus = allocateBus();
    int kind = cards < 3 ? cards : rnd.nextInt(100);
    cards++;
    if (kind == 0 || (kind >= 55 && kind < 70)) {
      gpu(port, bus, GPUS[rnd.nextInt(GPUS.length)], cards == 1 || rnd.nextInt(2) == 0);
    } else if (kind == 1 || (kind >= 3 && kind < 45)) {
      sriov(port, bus, cards == 2 ? CX6DX : NICS[rnd.nextInt(NICS.length)]);
    } else if (kind >= 45 && kind < 55) {
      sriov(port, bus, QAT);
    } else if (kind >= 95 && !bmc) {
      bmc = true;
      String bridge = port + "/" + address(bus, 0, 0);
      add(port, address(bus, 0, 0), BMC_BRIDGE, board, 0x0000, newGroup());
      if (remaining > 0) {
        add(bridge, address(allocateBus(), 0, 0), BMC_VGA, board, 0x0000, groupOf(bridge));
      }
    } else {
      Model nvme = NVME[rnd.nextInt(NVME.length)];
      Path dir = add(port, address(bus, 0, 0), nvme, oem(nvme), rnd.nextInt(0x10000), newGroup());
      if (rnd.nextInt(7) == 0) {
        vfio(dir, VFIO_PCI, "vfio_pci", rnd.nextBoolean() ? VFIO_PCI : "vfio");
      }
    }
  }

  private void gpu(String port, int bus, Model[] models, boolean passthrough) throws IOException {
    String group = newGroup();
    int sv = oem(models[0]);
    int sd = rnd.nextInt(0x10000);
    for (int fn = 0; fn < models.length && remaining > 0; fn++) {
      Path dir = add(port, address(bus, 0, fn), models[fn], sv, sd, group);
      if (passthrough) {
        vfio(dir, VFIO_PCI, "vfio_pci", VFIO_PCI);
      }
    }
  }

  /** PFs at functions 0.., their VFs from routing ID 16 on (ARI), as Intel and Mellanox NICs place them. */
  private void sriov(String port, int bus, Sriov card) throws IOException {
    int ports = Math.min(card.ports(), remaining);
    int[] choices = {4, 8, 16, 32, 64, 128};
    int vfs = Math.min(Math.min(choices[rnd.nextInt(choices.length)], card.maxVfs()), (remaining - ports) / ports);
    if (vfs == 0 && remaining > 1) {
      ports = 1;
      vfs = Math.min(card.maxVfs(), remaining - 1);
    }
    int sv = oem(card.pf());
    int sd = rnd.nextInt(0x10000);
    boolean passthrough = cards == 2 || rnd.nextInt(10) < 6;
    String pfGroup = null;
    for (int p = 0; p < ports; p++) {
      String pfName = address(bus, 0, p);
      if (pfGroup == null || !card.pfsShareGroup()) {
        pfGroup = newGroup();
      }
      Path pf = add(port, pfName, card.pf(), sv, sd, pfGroup);
      int first = 16 + p * vfs;
      write(pf, "sriov_totalvfs", String.valueOf(card.maxVfs()));
      write(pf, "sriov_numvfs", String.valueOf(vfs));
      write(pf, "sriov_offset", String.valueOf(first - p));
      write(pf, "sriov_stride", "1");
      write(pf, "sriov_vf_device", String.format("%04x", card.vf().device()));
      for (int i = 0; i < vfs; i++) {
        String vfName = address(bus, (first + i) >> 3, (first + i) & 7);
        Path vf = add(port, vfName, card.vf(), sv, sd, newGroup());
        Files.createSymbolicLink(vf.resolve("physfn"), Path.of("../" + pfName));
        Files.createSymbolicLink(pf.resolve("virtfn" + i), Path.of("../" + vfName));
        if (passthrough && i < (vfs + 1) / 2) {
          boolean variant = !card.vfioDriver().equals(VFIO_PCI);
          vfio(vf, card.vfioDriver(), card.vfioModule(), variant || rnd.nextInt(10) < 3 ? "vfio" : VFIO_PCI);
        }
      }
    }
  }

  private int oem(Model m) {
    return rnd.nextBoolean() ? m.vendor() : board;
  }

  /**
   * Adds one function below {@code parent} (a path under sys/devices) in IOMMU group {@code group},
   * bound to its model's host driver; returns its directory.
   */
  private Path add(String parent, String name, Model m, int sv, int sd, String group) throws IOException {
    if (remaining <= 0) {
      throw new IllegalStateException("no function left for " + name);
    }
    remaining--;
    Path sys = root.resolve("sys");
    Path dir = Files.createDirectories(sys.resolve("devices/" + parent + "/" + name));
    write(dir, "vendor", String.format("0x%04x", m.vendor()));
    write(dir, "device", String.format("0x%04x", m.device()));
    write(dir, "subsystem_vendor", String.format("0x%04x", sv));
    write(dir, "subsystem_device", String.format("0x%04x", sd));
    write(dir, "class", String.format("0x%06x", m.classCode()));
    write(dir, "modalias", String.format("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", m.vendor(), m.device(), sv, sd,
        m.classCode() >> 16, (m.classCode() >> 8) & 0xff, m.classCode() & 0xff));
    write(dir, "driver_override", "(null)");
    Path link = sys.resolve("bus/pci/devices/" + name);
    Files.createSymbolicLink(link, link.getParent().relativize(dir));
    write(dir, "numa_node", String.valueOf((complexes - 1) % 2));
    write(dir, "revision", "0x01");
    write(dir, "enable", m.driver() == null ? "0" : "1");
    write(dir, "irq", String.valueOf(16 + (name.hashCode() & 0xff)));
    write(dir, "local_cpulist", "0-1");
    Files.createSymbolicLink(dir.resolve("subsystem"), dir.relativize(sys.resolve("bus/pci")));
    Path groupDir = Files.createDirectories(sys.resolve("kernel/iommu_groups/" + group + "/devices"));
    if (!Files.exists(groupDir.resolveSibling("type"))) {
      write(groupDir.getParent(), "type", "DMA-FQ");
    }
    Files.createSymbolicLink(groupDir.resolve(name), groupDir.relativize(dir));
    Files.createSymbolicLink(dir.resolve("iommu_group"), dir.relativize(groupDir.getParent()));
    if (m.driver() != null) {
      registerDriver(m.driver(), m.module());
      Path driverDir = sys.resolve("bus/pci/drivers/" + m.driver());
      Files.createSymbolicLink(dir.resolve("driver"), dir.relativize(driverDir));
      Files.createSymbolicLink(driverDir.resolve(name), driverDir.relativize(dir));
    }
    uevent(dir, name, m.driver());
    return dir;
  }

  private void uevent(Path dir, String name, String driver) throws IOException {
    String modalias = Files.readString(dir.resolve("modalias")).strip();
    write(dir, "uevent", (driver == null ? "" : "DRIVER=" + driver + "\n")
        + "PCI_CLASS=" + Files.readString(dir.resolve("class")).strip().substring(2).toUpperCase() + "\n"
        + "PCI_ID=" + id(dir, "vendor") + ":" + id(dir, "device") + "\n"
        + "PCI_SUBSYS_ID=" + id(dir, "subsystem_vendor") + ":" + id(dir, "subsystem_device") + "\n"
        + "PCI_SLOT_NAME=" + name + "\nMODALIAS=" + modalias);
  }

  private static String id(Path dir, String file) throws IOException {
    return Files.readString(dir.resolve(file)).strip().substring(2).toUpperCase();
  }

  /**
   * Rebinds a function to a VFIO driver, as set-override leaves it, and saves {@code saved};
   * on a booted host, only saves it.
   */
  private void vfio(Path dir, String driver, String module, String saved) throws IOException {
    String name = dir.getFileName().toString();
    layout.persisted("pci-" + name, saved + "\n");
    registerDriver(driver, module);
    registerModule("vfio", null);
    registerModule("vfio_iommu_type1", null);
    registerModule("vfio_pci_core", null);
    if (booted) {
      return;
    }
    rebind(dir, driver);
  }

  /**
   * Binds every function whose {@code driver_override} names a driver it is not bound to to that
   * driver, as the kernel's probe would after a change made with {@code --noprobe} (on a fake root,
   * no kernel follows the writes); returns how many it bound. bench/compare settles a root once
   * after {@code rules apply}, so that the next apply finds the rules in effect.
   */
  public static int settle(Path dir) throws IOException {
    HostGenerator g = new HostGenerator(dir, 0, 0, false);
    List<Path> devices = new ArrayList<>();
    try (var links = Files.newDirectoryStream(g.root.resolve("sys/bus/pci/devices"))) {
      for (Path link : links) {
        Path device = link.toRealPath();
        devices.add(device);
        if (Files.isDirectory(device.resolve("vfio-dev"))) {
          g.vfioDevices++;
        }
      }
    }
    devices.sort(null);
    int bound = 0;
    for (Path device : devices) {
      String override = Files.readString(device.resolve("driver_override")).strip();
      Path link = device.resolve("driver");
      String current = Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString() : "";
      if (!override.equals("(null)") && !override.isEmpty() && !override.equals(current)) {
        g.registerDriver(override, override.replace('-', '_'));
        g.rebind(device, override);
        bound++;
      }
    }
    return bound;
  }

  /** Moves a function from its driver, if any, to {@code driver}, as set-override leaves it. */
  private void rebind(Path dir, String driver) throws IOException {
    String name = dir.getFileName().toString();
    if (Files.isSymbolicLink(dir.resolve("driver"))) {
      Path oldDriver = dir.resolve("driver").toRealPath();
      Files.delete(oldDriver.resolve(name));
      Files.delete(dir.resolve("driver"));
    }
    Path driverDir = root.resolve("sys/bus/pci/drivers/" + driver);
    Files.createSymbolicLink(dir.resolve("driver"), dir.relativize(driverDir));
    Files.createSymbolicLink(driverDir.resolve(name), driverDir.relativize(dir));
    write(dir, "driver_override", driver);
    uevent(dir, name, driver);
    if (driver.contains("vfio") && !Files.exists(dir.resolve("vfio-dev"))) {
      Files.createDirectories(dir.resolve("vfio-dev/vfio" + vfioDevices++));
    }
  }

  /** A driver directory with its files, its {@code module} link and the module's {@code drivers/pci:} link. */
  private void registerDriver(String driver, String module) throws IOException {
    Path sys = root.resolve("sys");
    Path driverDir = sys.resolve("bus/pci/drivers/" + driver);
    if (Files.exists(driverDir.resolve("uevent"))) {
      return;
    }
    Files.createDirectories(driverDir);
    for (String f : new String[] {"bind", "unbind", "new_id", "remove_id", "uevent"}) {
      if (!Files.exists(driverDir.resolve(f))) {
        write(driverDir, f, "");
      }
    }
    if (module != null) {
      Path moduleDir = registerModule(module, driver);
      Files.createSymbolicLink(driverDir.resolve("module"), driverDir.relativize(moduleDir));
    }
  }

  private Path registerModule(String module, String driver) throws IOException {
    Path moduleDir = root.resolve("sys/module/" + module);
    Files.createDirectories(moduleDir.resolve("drivers"));
    if (!Files.exists(moduleDir.resolve("initstate"))) {
      write(moduleDir, "initstate", "live");
    }
    if (driver != null) {
      Path link = moduleDir.resolve("drivers/pci:" + driver);
      Files.createSymbolicLink(link, link.getParent().relativize(root.resolve("sys/bus/pci/drivers/" + driver)));
    }
    return moduleDir;
  }

  private String newGroup() {
    return String.valueOf(groups++);
  }

  private String groupOf(String deviceUnderSys) throws IOException {
    return Files.readSymbolicLink(root.resolve("sys/devices/" + deviceUnderSys + "/iommu_group")).getFileName()
        .toString();
  }

  private int allocateBus() {
    return nextBus++;
  }

  private String address(int bus, int dev, int fn) {
    return String.format("%04x:%02x:%02x.%x", domain, bus, dev, fn);
  }

  private static void write(Path dir, String file, String content) throws IOException {
    Files.writeString(dir.resolve(file), content + "\n");
  }
}
