package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vfioctl.testing.FakeRoot;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands over a plain-file root through the real RootSysfs, as `--root DIR` runs them. */
class FakeRootCommandsTest {
  @TempDir Path dir;

  @Test
  void deviceWithoutModaliasIsNamedWithTheWayOut() throws Exception {
    FakeRoot f = new FakeRoot(dir).device("0000:00:02.0", 0x8086, 0x100e, 0x020000, "(null)", "e1000");
    Files.delete(f.root.resolve("sys/devices/pci0000:00/0000:00:02.0/modalias"));
    Result r = f.run("vfio-driver", "0000:00:02.0");
    assertEquals(1, r.code());
    assertEquals("vfioctl: device 0000:00:02.0 has no modalias, so no VFIO driver can be chosen; force one with: "
        + "vfioctl set-override 0000:00:02.0 vfio-pci\n", r.err());
  }

  @Test
  void fakeRootNeverLoadsModulesButShowsTheLoad() throws Exception {
    FakeRoot f = new FakeRoot(dir).device("0000:00:02.0", 0x8086, 0x100e, 0x020000, "(null)", "e1000");
    Result r = f.run("-v", "--noprobe", "set-override", "0000:00:02.0", "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertEquals(true, r.err().contains("vfioctl: modprobe vfio-pci\n"), r::toString);
    assertEquals(true, r.err().contains("loading driver vfio-pci (recorded only: root is not /)"), r::toString);
    assertEquals("vfio-pci\n", Files.readString(f.root.resolve("sys/bus/pci/devices/0000:00:02.0/driver_override")));
    assertEquals("vfio-pci\n", Files.readString(f.root.resolve("etc/driverctl.d/pci-0000:00:02.0")));
  }

  @Test
  void missingSysfsAttributeIsNotCreated() throws Exception {
    FakeRoot f = new FakeRoot(dir).device("0000:00:02.0", 0x8086, 0x100e, 0x020000, "(null)", "e1000");
    Files.delete(f.root.resolve("sys/bus/pci/drivers/e1000/unbind"));
    Result r = f.run("--noprobe", "set-override", "0000:00:02.0", "vfio-pci");
    assertEquals(1, r.code());
    assertEquals(false, Files.exists(f.root.resolve("sys/bus/pci/drivers/e1000/unbind")));
    assertEquals(true, r.err().contains("No such file or directory (ENOENT)"), r::toString);
    assertEquals("\n", Files.readString(f.root.resolve("sys/bus/pci/devices/0000:00:02.0/driver_override")),
        "the override is cleared again (a plain file keeps the newline the kernel would not show)");
  }
}
