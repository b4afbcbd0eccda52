package io.vfioctl.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A device's attributes are written as the kernel writes them. */
class RootLayoutTest {
  @TempDir Path root;

  @Test
  void hexIsWhatFormatWrites() {
    for (int value : new int[] {0, 1, 0xa, 0xff, 0x100, 0x8086, 0xffff, 0x10000, 0x020000, 0xffffff, 0x7fffffff, -1}) {
      for (int digits : new int[] {2, 4, 6, 8}) {
        assertEquals(String.format("%0" + digits + "x", value), RootLayout.hex(value, digits));
      }
    }
  }

  @Test
  void attributesAreThoseOfTheKernel() throws IOException {
    Path dir = new RootLayout(root).device("0000:00:02.0", 0x8086, 0x10d3, 0x020000, "(null)", "e1000e")
        .deviceDir("0000:00:02.0");
    assertEquals("0x8086\n", Files.readString(dir.resolve("vendor")));
    assertEquals("0x10d3\n", Files.readString(dir.resolve("subsystem_device")));
    assertEquals("0x020000\n", Files.readString(dir.resolve("class")));
    assertEquals("pci:v00008086d000010D3sv00008086sd000010D3bc02sc00i00\n", Files.readString(dir.resolve("modalias")));
  }
}
