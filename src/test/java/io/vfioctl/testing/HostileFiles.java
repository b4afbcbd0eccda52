package io.vfioctl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files a hostile root may hold where vfioctl expects small regular files. */
public final class HostileFiles {
  private HostileFiles() {}

  /** Replaces {@code file} with a sparse file of 3 GiB: more than a Java array can hold. */
  public static void huge(Path file) throws IOException {
    Files.deleteIfExists(file);
    Files.createDirectories(file.getParent());
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(3L << 30);
    }
  }

  /** Replaces {@code file} with a FIFO, which blocks whoever opens it to read until a writer comes. */
  public static void fifo(Path file) throws Exception {
    Files.deleteIfExists(file);
    Files.createDirectories(file.getParent());
    assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).start().waitFor());
  }
}
