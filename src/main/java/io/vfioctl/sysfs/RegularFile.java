package io.vfioctl.sysfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Reading and opening files that must be regular files: the type is checked before opening, as
 * opening a FIFO blocks until someone opens its other end, and reading stops at a limit, as sysfs
 * and proc report sizes that are not the content's.
 */
public final class RegularFile {
  static final String DIRECTORY = "a directory";
  private static final int MIN_BUFFER = 256;

  private RegularFile() {}

  /**
   * The whole content of {@code file}, which must not be a link.
   *
   * @param shown the path as the user knows it, for messages
   * @throws RefusedFileException when it is not a regular file or holds more than {@code limit}
   */
  public static byte[] read(Path file, String shown, SizeLimit limit) throws IOException {
    return read(file, null, shown, limit);
  }

  /** As {@link #read(Path, String, SizeLimit)}, with the file's attributes if they were just read. */
  public static byte[] read(Path file, BasicFileAttributes known, String shown, SizeLimit limit) throws IOException {
    long size = (known != null && known.isRegularFile() ? known : require(file, shown)).size();
    if (size > limit.bytes()) {
      throw RefusedFileException.tooLarge(shown, limit);
    }
    // The size is only a hint (sysfs says a page, proc 0), so read on until the end or the limit.
    byte[] buffer = new byte[firstBuffer(size)];
    int length = 0;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buffer, length, buffer.length - length)) >= 0; ) {
        length += n;
        if (length > limit.bytes()) {
          throw RefusedFileException.tooLarge(shown, limit);
        }
        if (length == buffer.length) {
          buffer = Arrays.copyOf(buffer, (int) Math.min(2L * buffer.length, limit.bytes() + 1L));
        }
      }
    }
    return Arrays.copyOf(buffer, length);
  }

  /**
   * The buffer to read a file of reported size {@code size} into at first: that size and one byte
   * (to see the end in one read), unless the size looks like a pseudo file's hint. sysfs reports
   * a page for every attribute (4 KiB, 64 KiB on arm64 kernels with large pages) whatever it
   * holds, and attributes hold a few bytes: a buffer of the hint's size each would be most of
   * what a listing allocates.
   */
  static int firstBuffer(long size) {
    boolean pageHint = size >= 4096 && (size & (size - 1)) == 0;
    return pageHint ? MIN_BUFFER : (int) Math.max(size + 1, MIN_BUFFER);
  }

  /** Refuses {@code file} unless it is a regular file; a missing file is a {@link NoSuchFileException}. */
  public static BasicFileAttributes require(Path file, String shown) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw RefusedFileException.notRegular(shown, type(file, a));
    }
    return a;
  }

  /** As {@link #require}, but a missing file is fine. */
  public static void requireIfPresent(Path file, String shown) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      require(file, shown);
    }
  }

  private static String type(Path file, BasicFileAttributes a) {
    if (a.isDirectory()) {
      return DIRECTORY;
    }
    if (a.isSymbolicLink()) {
      return "a symbolic link";
    }
    try {
      int format = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
      return switch (format) {
        case 0010000 -> "a FIFO";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | RuntimeException e) {
      return "a special file";
    }
  }
}
