package io.vfioctl.host;

import io.vfioctl.core.Names;
import io.vfioctl.core.PciAddress;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.RefusedFileException;
import io.vfioctl.sysfs.RegularFile;
import io.vfioctl.sysfs.SizeLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The devices {@code vfioctl domain prepare} detached for each domain, so that
 * {@code domain release} returns those and no others: one file per domain under
 * {@code /run/vfioctl/domains}, one PCI address a line.
 */
public final class PreparedDomains {
  private static final SizeLimit LIST = SizeLimit.kib(256, "a list of prepared devices");

  private final ConfinedRoot root;
  private final String dir;

  public PreparedDomains(ConfinedRoot root, String dir) {
    this.root = root;
    this.dir = dir;
  }

  /**
   * The file name for a domain: its UUID when it has one (names may change, and may hold any
   * character), else its name in hexadecimal.
   */
  public static String key(String name, java.util.Optional<String> uuid) {
    if (uuid.isPresent()) {
      return uuid.get();
    }
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 100) {
      // Too long for a file name in hex: its digest, so that two long names never share a list.
      try {
        return "name-sha256-" + hex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
    return "name-" + hex(bytes);
  }

  private static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }

  public String displayPath(String key) {
    return dir + "/" + key;
  }

  /** A domain's list: its name as prepare wrote it (for messages) and its devices. */
  public record Prepared(String key, String name, List<String> devices) {}

  public List<String> read(String key) throws IOException {
    return readList(key).devices();
  }

  /** Every domain's list, to find a device another domain holds; read under the global lock to act on it. */
  public List<Prepared> all() throws IOException {
    List<Prepared> lists = new ArrayList<>();
    Path real = root.resolve(dir);
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return lists;
    }
    List<String> keys = new ArrayList<>();
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(real)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!name.startsWith(".")) {
          keys.add(name); // a temporary file starts with a dot
        }
      }
    }
    java.util.Collections.sort(keys);
    for (String key : keys) {
      lists.add(readList(key));
    }
    return lists;
  }

  private Prepared readList(String key) throws IOException {
    Path real = root.resolve(displayPath(key));
    List<String> devices = new ArrayList<>();
    if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
      return new Prepared(key, key, devices);
    }
    String name = key;
    String text = new String(RegularFile.read(real, displayPath(key), LIST), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith(NAME)) {
        name = line.substring(NAME.length());
        continue;
      }
      try {
        devices.add(PciAddress.parse(line).toString());
      } catch (IllegalArgumentException e) {
        throw RefusedFileException.malformed(displayPath(key), "not a list of PCI addresses");
      }
    }
    return new Prepared(key, name, devices);
  }

  /** The line that names the domain, escaped to stay one line: {@code # domain guest1}. */
  private static final String NAME = "# domain ";

  public void write(String key, String domainName, List<String> devices) throws IOException {
    StringBuilder text = new StringBuilder(NAME).append(Names.printable(domainName)).append('\n');
    devices.forEach(d -> text.append(d).append('\n'));
    AtomicFiles.write(root.resolve(dir), key, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Removes a domain's list, and the directory with the last one: a root keeps nothing of a guest that is gone. */
  public void remove(String key) throws IOException {
    Path real = root.resolve(dir);
    AtomicFiles.delete(real, key);
    try {
      Files.deleteIfExists(real);
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      // other guests' lists
    }
  }

  /** Removes the temporary files a process killed while writing one left; under the global lock only. */
  public int removeStaleTemporaries() throws IOException {
    return AtomicFiles.removeStaleTemporaries(root.resolve(dir));
  }
}
