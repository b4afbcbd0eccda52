package io.vfioctl.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Files that are either wholly old or wholly new, whatever moment a crash or power cut strikes:
 * written to a temporary file, synced, renamed over the target, and the directory synced.
 */
final class AtomicFiles {
  private static final String TEMP_SUFFIX = ".tmp";
  /**
   * Numbers the temporary files of this process, as {@code Files.createTempFile} would with a
   * random number, which costs every call the seeding of {@code SecureRandom} and the loading of
   * the security providers; the file is created new all the same, so a name taken is passed over.
   */
  private static final AtomicLong SERIAL = new AtomicLong();
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private AtomicFiles() {}

  static void write(Path dir, String name, byte[] content) throws IOException {
    if (!Files.isDirectory(dir)) { // createDirectories throws and catches an exception for a directory that exists
      Files.createDirectories(dir);
    }
    Path temp = null;
    FileChannel created = null;
    while (created == null) {
      temp = dir.resolve("." + name + "." + ProcessHandle.current().pid() + SERIAL.incrementAndGet() + TEMP_SUFFIX);
      try {
        created = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY);
      } catch (FileAlreadyExistsException e) {
        // left by an earlier process of the same pid: the next number
      }
    }
    try {
      try (FileChannel ch = created) {
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
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        // Whatever holds the name (a FIFO or a link too) is removed, never followed; a directory is left.
        if (isTemporary(p.getFileName().toString()) && !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            && Files.deleteIfExists(p)) {
          removed++;
        }
      }
    }
    return removed;
  }

  /**
   * Whether {@code file} is named as write() names its temporary files: {@code .}, a name, {@code .},
   * digits, {@code .tmp} (the regular expression {@code \..+\.[0-9]+\.tmp}, whose {@code .}
   * takes no line terminator). Also the names {@code Files.createTempFile} gave them before.
   */
  static boolean isTemporary(String file) {
    if (!file.startsWith(".") || !file.endsWith(TEMP_SUFFIX)) {
      return false;
    }
    int end = file.length() - TEMP_SUFFIX.length();
    int dot = file.lastIndexOf('.', end - 1);
    if (dot < 2 || dot == end - 1) {
      return false;
    }
    for (int i = dot + 1; i < end; i++) {
      if (file.charAt(i) < '0' || file.charAt(i) > '9') {
        return false;
      }
    }
    for (int i = 1; i < dot; i++) {
      char c = file.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return false;
      }
    }
    return true;
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some filesystems cannot fsync a directory; the rename itself is still atomic.
    }
  }
}
