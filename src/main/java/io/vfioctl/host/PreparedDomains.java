package io.vfioctl.host;

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

  public List<String> read(String key) throws IOException {
    Path real = root.resolve(displayPath(key));
    if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<String> devices = new ArrayList<>();
    String text = new String(RegularFile.read(real, displayPath(key), LIST), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      try {
        devices.add(PciAddress.parse(line).toString());
      } catch (IllegalArgumentException e) {
        throw RefusedFileException.malformed(displayPath(key), "not a list of PCI addresses");
      }
    }
    return devices;
  }

  public void write(String key, List<String> devices) throws IOException {
    StringBuilder text = new StringBuilder();
    devices.forEach(d -> text.append(d).append('\n'));
    AtomicFiles.write(root.resolve(dir), key, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  public void remove(String key) throws IOException {
    AtomicFiles.delete(root.resolve(dir), key);
  }

  /** Removes the temporary files a process killed while writing one left; under the global lock only. */
  public int removeStaleTemporaries() throws IOException {
    return AtomicFiles.removeStaleTemporaries(root.resolve(dir));
  }
}
