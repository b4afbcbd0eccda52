package io.vfioctl.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Says what went wrong with a file in words a user can act on (Java's messages are often just the path). */
public final class IoErrors {
  private IoErrors() {}

  public static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied; run as root";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileSystemLoopException) {
      return "too many levels of symbolic links; check the root";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory; check the root";
    }
    if (e instanceof FileAlreadyExistsException f) {
      return f.getFile() + " is in the way of a directory; check the root";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

}
