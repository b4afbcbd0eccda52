package io.vfioctl.host;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.Names;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.RegularFile;
import io.vfioctl.sysfs.SizeLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;

/**
 * Overrides saved across reboots, in driverctl's format: {@code /etc/driverctl.d/<bus>-<device>}
 * holding the driver name and a newline, so either tool reads the other's files. Read as bytes
 * (ISO-8859-1), as the shell does: a stray non-UTF-8 file must not hide all the others.
 */
public class PersistedOverrides {
  /** A saved override is one short line; anything longer is not one. */
  static final SizeLimit SAVED_OVERRIDE = SizeLimit.kib(4, "a saved override");

  private final ConfinedRoot root;
  private final String dir;

  /**
   * @param root the files below the root
   * @param dir the directory, as on the running system ({@code /etc/driverctl.d})
   */
  public PersistedOverrides(ConfinedRoot root, String dir) {
    this.root = root;
    this.dir = dir;
  }

  /** A saved override as {@code list-persisted} shows it. */
  public record Entry(String device, String driver) {}

  public String displayPath(DeviceName device) {
    return dir + "/" + device.persistedFileName();
  }

  /** The saved driver, if the file exists and is not empty (driverctl's {@code [ -s file ]}). */
  public Optional<String> read(DeviceName device) throws IOException {
    return readIfRegular(displayPath(device)).filter(content -> content.length > 0).map(PersistedOverrides::text);
  }

  /** Every regular file {@code <bus>-*}, sorted by name, as driverctl 0.115's list-persisted reads them. */
  public List<Entry> list(String bus) throws IOException {
    Path real = root.resolve(dir);
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    String prefix = bus + "-";
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(real, p -> p.getFileName().toString().startsWith(prefix))) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        Optional<byte[]> content = readIfRegular(dir + "/" + name);
        if (content.isPresent()) {
          entries.add(new Entry(name.substring(prefix.length()), text(content.get())));
        }
      }
    }
    entries.sort((a, b) -> a.device().compareTo(b.device()));
    return Collections.unmodifiableList(entries);
  }

  /**
   * The devices of {@code bus} with an entry in the directory, by name alone: nothing is looked at
   * or read, so a host with a thousand saved overrides pays one listing. {@link #isSaved} tells
   * whether one is a saved override.
   */
  public Set<String> names(String bus) throws IOException {
    Path real = root.resolve(dir);
    Set<String> names = new HashSet<>();
    if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      String prefix = bus + "-";
      try (DirectoryStream<Path> files = Files.newDirectoryStream(real)) {
        for (Path f : files) {
          String name = f.getFileName().toString();
          if (name.startsWith(prefix)) {
            names.add(name.substring(prefix.length()));
          }
        }
      }
    }
    return names;
  }

  /** Whether {@code device} has a saved override that {@link #list} counts: a regular file, whatever it holds. */
  public boolean isSaved(DeviceName device) throws IOException {
    Optional<ConfinedRoot.Located> found = root.locate(displayPath(device));
    return found.isPresent() && found.get().attributes().isRegularFile();
  }

  /** The file's content; empty when it is not a regular file (or missing), which driverctl skips too. */
  private Optional<byte[]> readIfRegular(String file) throws IOException {
    Optional<ConfinedRoot.Located> found = root.locate(file);
    if (found.isEmpty() || !found.get().attributes().isRegularFile()) {
      return Optional.empty();
    }
    return Optional.of(RegularFile.read(found.get().path(), found.get().attributes(), file, SAVED_OVERRIDE));
  }

  private static String text(byte[] content) {
    return Names.stripTrailingNewlines(new String(content, StandardCharsets.ISO_8859_1));
  }

  /** Replaces the saved override atomically: temp file, fsync, rename, fsync of the directory. */
  public void write(DeviceName device, String driver) throws IOException {
    AtomicFiles.write(root.resolve(dir), device.persistedFileName(), (driver + "\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  public void remove(DeviceName device) throws IOException {
    AtomicFiles.delete(root.resolve(dir), device.persistedFileName());
  }

  /** Removes what a killed write left behind; call only while holding the global lock. */
  public int removeStaleTemporaries() throws IOException {
    return AtomicFiles.removeStaleTemporaries(root.resolve(dir));
  }
}
