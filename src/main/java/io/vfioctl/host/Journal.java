package io.vfioctl.host;

import io.vfioctl.core.ChangeRecord;
import io.vfioctl.core.DeviceName;
import io.vfioctl.core.InvalidNameException;
import io.vfioctl.sysfs.ConfinedRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes in progress, one file per device under {@code run/vfioctl/journal}. A change
 * writes its entry atomically before its first write and removes it when it completed or rolled
 * back; an entry found later belongs to a change that was cut short. {@code /run} is emptied at
 * boot, as the kernel's bindings are, so a power cut leaves nothing stale.
 */
public class Journal {
  private static final int MAX_ENTRY_BYTES = 64 * 1024;

  private final ConfinedRoot root;
  private final String dir;
  private final String committedDir;

  /**
   * @param dir the directory below {@code root}, as on the running system ({@code /run/vfioctl/journal})
   * @param committedDir where a change of several devices marks itself committed ({@code /run/vfioctl/committed})
   */
  public Journal(ConfinedRoot root, String dir, String committedDir) {
    this.root = root;
    this.dir = dir;
    this.committedDir = committedDir;
  }

  /**
   * Marks a change of several devices done, in one atomic step, before its entries are removed
   * one by one: entries of a committed transaction that a crash leaves are finished changes.
   */
  public void commit(String transaction) throws IOException {
    AtomicFiles.write(root.resolve(committedDir), transaction, new byte[0]);
  }

  public boolean isCommitted(String transaction) throws IOException {
    return Files.isRegularFile(root.resolve(committedDir).resolve(transaction), LinkOption.NOFOLLOW_LINKS);
  }

  /** Removes the mark once no entry of the transaction is left. */
  public void uncommit(String transaction) throws IOException {
    AtomicFiles.delete(root.resolve(committedDir), transaction);
  }

  /** The committed transactions, for recovery to remove those no entry names any more. */
  public List<String> committed() throws IOException {
    Path real = root.resolve(committedDir);
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return names;
    }
    AtomicFiles.removeStaleTemporaries(real);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(real)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (ChangeRecord.isTransaction(name) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** An entry that was left behind: the record, or why it could not be read. */
  public record Entry(String file, ChangeRecord record, String problem) {}

  public void begin(ChangeRecord record) throws IOException {
    AtomicFiles.write(root.resolve(dir), record.device().persistedFileName(),
        record.encode().getBytes(StandardCharsets.UTF_8));
  }

  public void end(DeviceName device) throws IOException {
    AtomicFiles.delete(root.resolve(dir), device.persistedFileName());
  }

  /**
   * Removes an entry, by its file's name, whatever it is: a link is removed, not followed, and so
   * is a FIFO or an empty directory.
   *
   * @return false when it is a directory that is not empty, which only a person should remove
   */
  public boolean discard(String file) throws IOException {
    try {
      AtomicFiles.delete(root.resolve(dir), file);
      return true;
    } catch (DirectoryNotEmptyException e) {
      return false;
    }
  }

  /** Where an entry is, as on the running system. */
  public String displayPath(String file) {
    return dir + "/" + file;
  }

  /** Whether a change of {@code device} has an entry: it was cut short and not yet rolled back. */
  public boolean has(DeviceName device) throws IOException {
    return Files.exists(root.resolve(dir).resolve(device.persistedFileName()), LinkOption.NOFOLLOW_LINKS);
  }

  /** What earlier, interrupted calls left; call only while holding the global lock. */
  public List<Entry> leftBehind() throws IOException {
    List<Entry> entries = new ArrayList<>();
    Path real = root.resolve(dir);
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return entries;
    }
    AtomicFiles.removeStaleTemporaries(real);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(real)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          entries.add(new Entry(name, null, "not a regular file"));
          continue;
        }
        try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
          byte[] bytes = in.readNBytes(MAX_ENTRY_BYTES + 1);
          if (bytes.length > MAX_ENTRY_BYTES) {
            entries.add(new Entry(name, null, "larger than " + MAX_ENTRY_BYTES + " bytes"));
          } else {
            entries.add(new Entry(name, ChangeRecord.decode(name, new String(bytes, StandardCharsets.UTF_8)), null));
          }
        } catch (InvalidNameException e) {
          entries.add(new Entry(name, null, e.getMessage()));
        }
      }
    }
    entries.sort((a, b) -> a.file().compareTo(b.file()));
    return entries;
  }
}
