package io.vfioctl.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A root directory laid out like a real machine's, with plain files and symbolic links where
 * sysfs has them, for commands that only read (and for driverctl to read the same state).
 */
public final class FakeRoot {
  public final Path root;

  public FakeRoot(Path root) throws IOException {
    this.root = root.toAbsolutePath();
    Files.createDirectories(root.resolve("sys/bus/pci/devices"));
    Files.createDirectories(root.resolve("sys/bus/pci/drivers"));
    Files.createDirectories(root.resolve("sys/module"));
    Files.createDirectories(root.resolve("etc/driverctl.d"));
    write(root.resolve("sys/bus/pci/drivers_probe"), "");
  }

  /**
   * Adds a PCI device directly below {@code pci0000:00}, its subsystem IDs equal to its IDs.
   *
   * @param override the raw text of driver_override, or null for a device without that file
   * @param driver the bound driver, or null
   */
  public FakeRoot device(String name, int vendor, int device, int classCode, String override, String driver)
      throws IOException {
    device("pci0000:00", name, new int[] {vendor, device, vendor, device}, classCode, override, driver);
    return this;
  }

  /**
   * Adds a PCI device below {@code parent}, a directory under {@code sys/devices} such as
   * {@code pci0000:00/0000:00:01.0} (its bridge), and returns the device's directory.
   *
   * @param ids vendor, device, subsystem vendor, subsystem device
   * @param override the raw text of driver_override, or null for a device without that file
   * @param driver the bound driver, or null
   */
  public Path device(String parent, String name, int[] ids, int classCode, String override, String driver)
      throws IOException {
    Path dir = Files.createDirectories(root.resolve("sys/devices/" + parent + "/" + name));
    write(dir.resolve("vendor"), String.format("0x%04x\n", ids[0]));
    write(dir.resolve("device"), String.format("0x%04x\n", ids[1]));
    write(dir.resolve("subsystem_vendor"), String.format("0x%04x\n", ids[2]));
    write(dir.resolve("subsystem_device"), String.format("0x%04x\n", ids[3]));
    write(dir.resolve("class"), String.format("0x%06x\n", classCode));
    write(dir.resolve("numa_node"), "-1\n");
    write(dir.resolve("modalias"), String.format("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n", ids[0], ids[1], ids[2],
        ids[3], classCode >> 16, (classCode >> 8) & 0xff, classCode & 0xff));
    if (override != null) {
      write(dir.resolve("driver_override"), override + "\n");
    }
    if (driver != null) {
      Path driverDir = Files.createDirectories(root.resolve("sys/bus/pci/drivers/" + driver));
      for (String f : new String[] {"bind", "unbind", "new_id", "remove_id"}) {
        if (!Files.exists(driverDir.resolve(f))) {
          write(driverDir.resolve(f), "");
        }
      }
      Files.createSymbolicLink(dir.resolve("driver"), dir.relativize(driverDir));
    }
    Path link = root.resolve("sys/bus/pci/devices/" + name);
    Files.createSymbolicLink(link, link.getParent().relativize(dir));
    return dir;
  }

  public FakeRoot persisted(String fileName, String content) throws IOException {
    write(root.resolve("etc/driverctl.d/" + fileName), content);
    return this;
  }

  private static void write(Path p, String content) throws IOException {
    Files.writeString(p, content);
  }
}
