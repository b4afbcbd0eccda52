package io.vfioctl.sysfs;

import io.vfioctl.core.Names;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** sysfs as files below a filesystem root: {@code /} on a real host, any directory in a fake root. */
public final class RootSysfs implements Sysfs {
  private final Path root;

  public RootSysfs(Path root) {
    this.root = root;
  }

  private Path resolve(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("sysfs path must be absolute: " + path);
    }
    return root.resolve(path.substring(1));
  }

  @Override
  public Optional<String> read(String path) {
    try {
      return Optional.of(Names.stripTrailingNewlines(Files.readString(resolve(path), StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<String> list(String dir) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(resolve(dir))) {
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
      Path target = Files.readSymbolicLink(resolve(path));
      Path name = target.getFileName();
      return name == null ? Optional.empty() : Optional.of(name.toString());
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean exists(String path) {
    Path p = resolve(path);
    return Files.exists(p) || Files.isSymbolicLink(p);
  }

  @Override
  public void write(String path, String value) throws SysfsWriteException {
    ByteBuffer bytes = ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.UTF_8));
    // No O_CREAT: on sysfs a missing attribute must fail as ENOENT, not be created (or EACCES).
    try (FileChannel ch = FileChannel.open(resolve(path), StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      // sysfs takes a store in one write call; a short write would split the value.
      ch.write(bytes);
    } catch (NoSuchFileException e) {
      throw new SysfsWriteException(path, value, Errno.ENOENT);
    } catch (AccessDeniedException e) {
      throw new SysfsWriteException(path, value, Errno.EACCES);
    } catch (IOException e) {
      throw new SysfsWriteException(path, value, Errno.fromMessage(e.getMessage()));
    }
  }
}
