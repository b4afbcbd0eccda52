package io.vfioctl.sysfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegularFileTest {
  @TempDir Path dir;

  @Test
  void aPageSizedHintStartsSmallAndAnyOtherSizeIsTakenAsTheFilesOwn() {
    assertEquals(256, RegularFile.firstBuffer(4096), "sysfs on 4 KiB pages");
    assertEquals(256, RegularFile.firstBuffer(16384), "sysfs on 16 KiB pages");
    assertEquals(256, RegularFile.firstBuffer(65536), "sysfs on 64 KiB pages (arm64)");
    assertEquals(256, RegularFile.firstBuffer(0), "proc");
    assertEquals(256, RegularFile.firstBuffer(12), "a small file");
    assertEquals(4096, RegularFile.firstBuffer(4095));
    assertEquals(5001, RegularFile.firstBuffer(5000));
    assertEquals(1374844, RegularFile.firstBuffer(1374843), "modules.alias: one read");
  }

  @Test
  void everySizeIsReadWholeWhateverBufferItStartsWith() throws IOException {
    Random random = new Random(7);
    for (int size : new int[] {0, 1, 255, 256, 257, 4095, 4096, 4097, 16384, 65536, 100000}) {
      byte[] content = new byte[size];
      random.nextBytes(content);
      Path file = Files.write(dir.resolve("f" + size), content);
      assertArrayEquals(content, RegularFile.read(file, "f" + size, SizeLimit.kib(128, "a test file")), "size " + size);
    }
  }
}
