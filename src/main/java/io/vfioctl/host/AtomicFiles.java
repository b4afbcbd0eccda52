package io.vfioctl.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that are either wholly old or wholly new, whatever moment a crash or power cut strikes:
 * written to a temporary file, synced, renamed over the target, and the directory synced.
 */
final class AtomicFiles {
  private static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  static void write(Path dir, String name, byte[] content) throws IOException {
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + name + ".", TEMP_SUFFIX);
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap(content));
        ch.force(true);
      }
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      try {
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(dir);
  }

  static void delete(Path dir, String name) throws IOException {
    if (Files.deleteIfExists(dir.resolve(name))) {
      syncDirectory(dir);
    }
  }

  /**
   * Removes the temporary files that a process killed in {@link #write} left behind. Only safe
   * while holding the global lock: then no other writer is between create and rename.
   *
   * @return how many were removed
   */
  static int removeStaleTemporaries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    // Only the names write() makes: "." + name + "." + createTempFile's digits + ".tmp".
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir,
        p -> p.getFileName().toString().matches("\\..+\\.[0-9]+\\" + TEMP_SUFFIX))) {
      for (Path p : stale) {
        // Whatever holds the name (a FIFO or a link too) is removed, never followed; a directory is left.
        if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(p)) {
          removed++;
        }
      }
    }
    return removed;
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some filesystems cannot fsync a directory; the rename itself is still atomic.
    }
  }
}
