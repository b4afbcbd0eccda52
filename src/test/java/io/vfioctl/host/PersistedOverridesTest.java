package io.vfioctl.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vfioctl.core.DeviceName;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.testing.TestMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistedOverridesTest {
  @TempDir Path dir;
  static final DeviceName NIC = new DeviceName("pci", TestMachine.NIC);

  @Test
  void writesDriverctlsFormatAtomically() throws Exception {
    PersistedOverrides p = new PersistedOverrides(new ConfinedRoot(dir), "/etc/driverctl.d");
    p.write(NIC, "vfio-pci");
    Path file = dir.resolve("etc/driverctl.d/pci-0000:00:02.0");
    assertEquals("vfio-pci\n", Files.readString(file));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    p.write(NIC, "vfio");
    assertEquals("vfio\n", Files.readString(file));
    try (var files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file may be left behind");
    }
    assertEquals(Optional.of("vfio"), p.read(NIC));
    assertEquals("/etc/driverctl.d/pci-0000:00:02.0", p.displayPath(NIC));
    p.remove(NIC);
    assertFalse(Files.exists(file));
    p.remove(NIC);
  }

  @Test
  void readsFilesDriverctlWrote() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("pci-0000:00:03.0"), "vfio-pci\n\n");
    Files.writeString(conf.resolve("pci-0000:00:02.0"), "");
    Files.writeString(conf.resolve("usb-1-1"), "usbfoo\n");
    Files.createDirectory(conf.resolve("pci-dir"));
    PersistedOverrides p = new PersistedOverrides(new ConfinedRoot(dir), "/conf");
    assertEquals(List.of(new PersistedOverrides.Entry("0000:00:02.0", ""), new PersistedOverrides.Entry("0000:00:03.0", "vfio-pci")),
        p.list("pci"));
    assertEquals(Optional.empty(), p.read(new DeviceName("pci", TestMachine.NIC)), "an empty file is no override");
    assertEquals(List.of(), new PersistedOverrides(new ConfinedRoot(dir), "/missing").list("pci"));
  }
}
