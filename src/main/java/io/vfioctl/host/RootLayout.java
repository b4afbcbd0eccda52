package io.vfioctl.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a root laid out like a real machine's, with plain files and symbolic links where sysfs
 * has them. The start-up cache is trained on one (so that it holds the classes real commands
 * load), and tests build theirs with it.
 */
public final class RootLayout {
  private final Path root;
  private boolean iommu = true;
  private int nextGroup;

  public RootLayout(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root.resolve("sys/bus/pci/devices"));
    Files.createDirectories(root.resolve("sys/bus/pci/drivers"));
    Files.createDirectories(root.resolve("sys/module"));
    Files.createDirectories(root.resolve("etc/driverctl.d"));
    write(root.resolve("sys/bus/pci/drivers_probe"), "");
  }

  public Path root() {
    return root;
  }

  /** Devices added from now on have no IOMMU group, as on a machine without an IOMMU enabled. */
  public RootLayout withoutIommu() {
    iommu = false;
    return this;
  }

  /**
   * Adds a PCI device.
   *
   * @param override the raw text of driver_override, or null for a device without that file
   * @param driver the bound driver, or null
   */
  public RootLayout device(String name, int vendor, int device, int classCode, String override, String driver)
      throws IOException {
    Path dir = Files.createDirectories(deviceDir(name));
    write(dir.resolve("vendor"), "0x" + hex(vendor, 4) + "\n");
    write(dir.resolve("device"), "0x" + hex(device, 4) + "\n");
    write(dir.resolve("subsystem_vendor"), "0x" + hex(vendor, 4) + "\n");
    write(dir.resolve("subsystem_device"), "0x" + hex(device, 4) + "\n");
    write(dir.resolve("class"), "0x" + hex(classCode, 6) + "\n");
    write(dir.resolve("numa_node"), "-1\n");
    String v = hex(vendor, 8).toUpperCase(Locale.ROOT);
    String d = hex(device, 8).toUpperCase(Locale.ROOT);
    write(dir.resolve("modalias"), "pci:v" + v + "d" + d + "sv" + v + "sd" + d + "bc" + hex(classCode >> 16, 2)
        .toUpperCase(Locale.ROOT) + "sc" + hex((classCode >> 8) & 0xff, 2).toUpperCase(Locale.ROOT) + "i"
        + hex(classCode & 0xff, 2).toUpperCase(Locale.ROOT) + "\n");
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
      Files.createSymbolicLink(dir.resolve("driver"), Path.of("../../../bus/pci/drivers/" + driver));
    }
    Files.createSymbolicLink(root.resolve("sys/bus/pci/devices/" + name), Path.of("../../../devices/pci0000:00/" + name));
    if (iommu) {
      inGroup(name, nextGroup++);
    }
    return this;
  }

  /** Puts a device added with {@link #device} into IOMMU group {@code group} (each starts in its own). */
  public RootLayout inGroup(String name, int group) throws IOException {
    Path link = deviceDir(name).resolve("iommu_group");
    if (Files.isSymbolicLink(link)) {
      Path old = link.resolveSibling(Files.readSymbolicLink(link)).normalize();
      Files.deleteIfExists(old.resolve("devices/" + name));
      Files.delete(link);
    }
    Path members = Files.createDirectories(root.resolve("sys/kernel/iommu_groups/" + group + "/devices"));
    Files.createSymbolicLink(members.resolve(name), Path.of("../../../../devices/pci0000:00/" + name));
    Files.createSymbolicLink(link, Path.of("../../../kernel/iommu_groups/" + group));
    nextGroup = Math.max(nextGroup, group + 1);
    return this;
  }

  public RootLayout persisted(String fileName, String content) throws IOException {
    write(root.resolve("etc/driverctl.d/" + fileName), content);
    return this;
  }

  /** The directory of a device added with {@link #device}. */
  public Path deviceDir(String name) {
    return root.resolve("sys/devices/pci0000:00/" + name);
  }

  /** Makes the root's kernel {@code release} with this modules.alias text. */
  public RootLayout kernel(String release, String modulesAlias) throws IOException {
    Files.createDirectories(root.resolve("proc/sys/kernel"));
    write(root.resolve("proc/sys/kernel/osrelease"), release + "\n");
    Files.createDirectories(root.resolve("lib/modules/" + release));
    write(root.resolve("lib/modules/" + release + "/modules.alias"), modulesAlias);
    return this;
  }

  /**
   * {@code value} in lower-case hex, at least {@code digits} long, as {@code %0Nx} writes it. No
   * String.format: the start-up cache is trained on a layout, and it would keep the Formatter
   * in every call's start.
   */
  static String hex(int value, int digits) {
    String hex = Integer.toHexString(value);
    return hex.length() >= digits ? hex : "0".repeat(digits - hex.length()) + hex;
  }

  private static void write(Path p, String content) throws IOException {
    Files.writeString(p, content);
  }
}
