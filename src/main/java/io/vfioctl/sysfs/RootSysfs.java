package io.vfioctl.sysfs;

import io.vfioctl.core.Names;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * sysfs as files below a filesystem root: {@code /} on a real host, any directory in a fake root,
 * confined to it (see {@link ConfinedRoot}).
 */
public final class RootSysfs implements Sysfs {
  /** sysfs attributes are at most a page; some binary ones more, but none vfioctl reads. */
  static final SizeLimit ATTRIBUTE = SizeLimit.kib(64, "a sysfs attribute");

  private final ConfinedRoot root;

  public RootSysfs(ConfinedRoot root) {
    this.root = root;
  }

  @Override
  public Optional<String> read(String path) {
    try {
      // Decoded with replacement: an odd byte in driver_override must not hide the device.
      return Optional.of(Names.stripTrailingNewlines(new String(root.read(path, ATTRIBUTE), StandardCharsets.UTF_8)));
    } catch (RefusedFileException e) {
      throw new SysfsReadException(path, e.getReason());
    } catch (FileSystemLoopException e) {
      throw new SysfsReadException(path, Errno.ELOOP.strerror().toLowerCase());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<String> list(String dir) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve(dir))) {
      for (Path p : entries) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      return List.of();
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public Optional<String> linkName(String path) {
    try {
      Path name = Files.readSymbolicLink(root.resolveNoFollow(path)).getFileName();
      return name == null ? Optional.empty() : Optional.of(name.toString());
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<String> linkTarget(String path) {
    try {
      return Optional.of(Files.readSymbolicLink(root.resolveNoFollow(path)).toString());
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean exists(String path) {
    try {
      return Files.exists(root.resolveNoFollow(path), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void write(String path, String value) throws SysfsWriteException {
    ByteBuffer bytes = ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.UTF_8));
    root.forgetDirectories(); // a write may move links: unbinding removes the device's driver
    try {
      Path file = root.resolve(path);
      RegularFile.require(file, path);
      // No O_CREAT: on sysfs a missing attribute must fail as ENOENT, not be created (or EACCES).
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS)) {
        // sysfs takes a store in one write call; a short write would split the value.
        ch.write(bytes);
      }
    } catch (NoSuchFileException e) {
      throw new SysfsWriteException(path, value, Errno.ENOENT);
    } catch (AccessDeniedException e) {
      throw new SysfsWriteException(path, value, Errno.EACCES);
    } catch (FileSystemLoopException e) {
      throw new SysfsWriteException(path, value, Errno.ELOOP);
    } catch (RefusedFileException e) {
      if (e.isDirectory()) {
        throw new SysfsWriteException(path, value, Errno.EISDIR);
      }
      throw new SysfsWriteException(path, value, Errno.UNKNOWN,
          "it is " + e.getReason() + "; sysfs attributes are regular files: check the root");
    } catch (IOException e) {
      String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
      Errno errno = Errno.fromMessage(reason);
      throw errno == Errno.UNKNOWN ? new SysfsWriteException(path, value, errno, reason + ": see dmesg")
          : new SysfsWriteException(path, value, errno);
    }
  }
}
