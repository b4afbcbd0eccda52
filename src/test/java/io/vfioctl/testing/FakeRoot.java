package io.vfioctl.testing;

import io.vfioctl.cli.Main;
import io.vfioctl.host.Host;
import io.vfioctl.host.RootLayout;
import io.vfioctl.testing.TestMachine.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A root directory laid out like a real machine's, with plain files and symbolic links where
 * sysfs has them, for commands that only read (and for driverctl to read the same state).
 */
public final class FakeRoot {
  public final Path root;
  private final RootLayout layout;

  public FakeRoot(Path root) throws IOException {
    this.root = root;
    this.layout = new RootLayout(root);
  }

  /** @see RootLayout#device */
  public FakeRoot device(String name, int vendor, int device, int classCode, String override, String driver)
      throws IOException {
    layout.device(name, vendor, device, classCode, override, driver);
    return this;
  }

  public FakeRoot persisted(String fileName, String content) throws IOException {
    layout.persisted(fileName, content);
    return this;
  }

  /** The directory of a device added with {@link #device}, or a file in it. */
  public Path deviceDir(String name) {
    return layout.deviceDir(name);
  }

  /** Makes the root's kernel {@code release} with this modules.alias text. */
  public FakeRoot kernel(String release, String modulesAlias) throws IOException {
    layout.kernel(release, modulesAlias);
    return this;
  }

  /** Writes a file below the root ({@code proc/net/route}), making its directories. */
  public FakeRoot file(String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return this;
  }

  /** A symbolic link below the root, its target written as given. */
  public FakeRoot link(String relative, String target) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, Path.of(target));
    return this;
  }

  /**
   * A network interface as the kernel lays one out: its directory at {@code devicesPath} below
   * {@code sys/devices} ({@code pci0000:00/0000:00:03.0/net/eth0}, {@code virtual/net/bond0})
   * with {@code flags}, and its {@code sys/class/net} link.
   */
  public FakeRoot netInterface(String devicesPath, String flags) throws IOException {
    return classDevice("net", devicesPath).file(sysDevices(devicesPath) + "/flags", flags + "\n");
  }

  /** Stacks {@code upper} on {@code lower}: its {@code upper_<upper>} link, and {@code master} when enslaved. */
  public FakeRoot stacked(String lower, String upper, boolean enslaved) throws IOException {
    Path lowerDir = root.resolve("sys/class/net/" + lower).toRealPath();
    Path upperDir = root.resolve("sys/class/net/" + upper).toRealPath();
    relativeLink(lowerDir.resolve("upper_" + upper), upperDir);
    if (enslaved) {
      relativeLink(lowerDir.resolve("master"), upperDir);
    }
    return this;
  }

  /** A disk or a virtual block device at {@code devicesPath} ({@code .../block/sda}, {@code virtual/block/dm-0}). */
  /**
   * An NVMe controller {@code ctrl} of the PCI function at {@code pciPath}, in a subsystem
   * {@code subsys} that lists it, as the kernel lays them out with native multipath: the
   * subsystem holds a link per controller, and its namespaces live below it, not below the PCI
   * function ({@code blockDevice("virtual/nvme-subsystem/<subsys>/nvme0n1", …)}).
   */
  public FakeRoot nvmeController(String pciPath, String ctrl, String subsys) throws IOException {
    String controller = pciPath + "/nvme/" + ctrl;
    classDevice("nvme", controller);
    String subsystem = "virtual/nvme-subsystem/" + subsys;
    classDevice("nvme-subsystem", subsystem);
    relativeLink(root.resolve(sysDevices(subsystem) + "/" + ctrl), root.resolve(sysDevices(controller)));
    return this;
  }

  public FakeRoot blockDevice(String devicesPath, String dev) throws IOException {
    classDevice("block", devicesPath).file(sysDevices(devicesPath) + "/dev", dev + "\n");
    Files.createDirectories(root.resolve(sysDevices(devicesPath) + "/holders"));
    return this;
  }

  /** Partition {@code number} of the disk at {@code diskPath}, named {@code name}. */
  public FakeRoot partition(String diskPath, String name, String dev, int number) throws IOException {
    return blockDevice(diskPath + "/" + name, dev).file(sysDevices(diskPath + "/" + name) + "/partition", number + "\n");
  }

  /** {@code holder} (a dm or md device) holds block device {@code lower}: {@code holders/<holder>}. */
  public FakeRoot holds(String holder, String lower) throws IOException {
    Path lowerDir = root.resolve("sys/class/block/" + lower).toRealPath();
    relativeLink(lowerDir.resolve("holders/" + holder), root.resolve("sys/class/block/" + holder).toRealPath());
    return this;
  }

  private FakeRoot classDevice(String cls, String devicesPath) throws IOException {
    Path dir = Files.createDirectories(root.resolve(sysDevices(devicesPath)));
    relativeLink(root.resolve("sys/class/" + cls + "/" + dir.getFileName()), dir);
    return this;
  }

  private static String sysDevices(String devicesPath) {
    return "sys/devices/" + devicesPath;
  }

  private static void relativeLink(Path link, Path target) throws IOException {
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, link.getParent().toRealPath().relativize(target.toRealPath()));
  }

  /** Runs vfioctl with {@code --root} this root, through the real {@code Host.at}. */
  public Result run(String... args) {
    return runAt(root.toString(), args);
  }

  /** Runs vfioctl with {@code --root root}, which need not exist. */
  public static Result runAt(String root, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--root";
    all[1] = root;
    System.arraycopy(args, 0, all, 2, args.length);
    return CliRunner.run(new Main(Map.of(), Host::at), all);
  }

}
