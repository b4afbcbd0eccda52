package io.vfioctl.sysfs;

import java.nio.file.FileSystemException;

/**
 * A file vfioctl will not read or write: larger than any file of its kind, or not a regular
 * file (a FIFO would block for ever). {@link #getFile()} is the path as the user knows it.
 */
public final class RefusedFileException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  private RefusedFileException(String file, String reason) {
    super(file, null, reason);
  }

  static RefusedFileException tooLarge(String file, SizeLimit limit) {
    return new RefusedFileException(file, "larger than " + limit + ", too large for " + limit.kind());
  }

  static RefusedFileException notRegular(String file, String type) {
    return new RefusedFileException(file, type + ", not a regular file");
  }

  /** A file whose content is not what a file of its kind holds. */
  public static RefusedFileException malformed(String file, String reason) {
    return new RefusedFileException(file, reason);
  }

  /** Whether the file was refused for being a directory (EISDIR to a writer). */
  public boolean isDirectory() {
    return getReason().startsWith(RegularFile.DIRECTORY);
  }
}
