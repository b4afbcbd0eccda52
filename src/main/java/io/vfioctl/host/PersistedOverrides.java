package io.vfioctl.host;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Overrides saved across reboots, in driverctl's format: {@code /etc/driverctl.d/<bus>-<device>}
 * holding the driver name and a newline, so either tool reads the other's files. Read as bytes
 * (ISO-8859-1), as the shell does: a stray non-UTF-8 file must not hide all the others.
 */
public class PersistedOverrides {
  private final Path dir;
  private final String displayDir;

  /**
   * @param dir where the files really are
   * @param displayDir how to name that directory to a user ({@code /etc/driverctl.d})
   */
  public PersistedOverrides(Path dir, String displayDir) {
    this.dir = dir;
    this.displayDir = displayDir;
  }

  /** A saved override as {@code list-persisted} shows it. */
  public record Entry(String device, String driver) {}

  public String displayPath(DeviceName device) {
    return displayDir + "/" + device.persistedFileName();
  }

  /** The saved driver, if the file exists and is not empty (driverctl's {@code [ -s file ]}). */
  public Optional<String> read(DeviceName device) throws IOException {
    Path file = dir.resolve(device.persistedFileName());
    if (!Files.isRegularFile(file) || Files.size(file) == 0) {
      return Optional.empty();
    }
    return Optional.of(Names.stripTrailingNewlines(Files.readString(file, StandardCharsets.ISO_8859_1)));
  }

  /** Every regular file {@code <bus>-*}, sorted by name, as driverctl 0.115's list-persisted reads them. */
  public List<Entry> list(String bus) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    String prefix = bus + "-";
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
      for (Path f : files) {
        if (Files.isRegularFile(f)) {
          String device = f.getFileName().toString().substring(prefix.length());
          entries.add(new Entry(device, Names.stripTrailingNewlines(Files.readString(f, StandardCharsets.ISO_8859_1))));
        }
      }
    }
    entries.sort((a, b) -> a.device().compareTo(b.device()));
    return Collections.unmodifiableList(entries);
  }

  /** Replaces the saved override atomically: temp file, fsync, rename, fsync of the directory. */
  public void write(DeviceName device, String driver) throws IOException {
    AtomicFiles.write(dir, device.persistedFileName(), (driver + "\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  public void remove(DeviceName device) throws IOException {
    AtomicFiles.delete(dir, device.persistedFileName());
  }

  /** Removes what a killed write left behind; call only while holding the global lock. */
  public int removeStaleTemporaries() throws IOException {
    return AtomicFiles.removeStaleTemporaries(dir);
  }
}
