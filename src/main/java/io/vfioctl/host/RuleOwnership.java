package io.vfioctl.host;

import io.vfioctl.core.Names;
import io.vfioctl.core.PciAddress;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.RefusedFileException;
import io.vfioctl.sysfs.SizeLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which devices binding rules took, so that {@code rules apply} returns those and only those when
 * no rule selects them any more: {@code /run/vfioctl/rules/owned}, one line per device,
 * {@code ADDRESS RULE-FILE HOST-DRIVER} ({@code -} for none). Like the bindings, it does not
 * outlive a reboot.
 */
public final class RuleOwnership {
  public static final String FILE = "owned";
  /** The rules compiled to sh for the udev rule: which devices that appear may need a rule. */
  public static final String MATCHER = "match.sh";
  private static final SizeLimit RECORD = SizeLimit.mib(4, "the rules' ownership record");
  private static final String NO_DRIVER = "-";

  private final ConfinedRoot root;
  private final String dir;

  public RuleOwnership(ConfinedRoot root, String dir) {
    this.root = root;
    this.dir = dir;
  }

  /**
   * A device a rule took.
   *
   * @param rule the rule file's name ({@code 50-gpus.conf})
   * @param hostDriver the driver it had before, empty for none: the rule's {@code Driver=} still sees it
   */
  public record Owned(String rule, String hostDriver) {}

  public String displayPath() {
    return dir + "/" + FILE;
  }

  /** By device address; empty when there is no record. */
  public Map<String, Owned> read() throws IOException {
    Map<String, Owned> owned = new TreeMap<>();
    byte[] bytes;
    try {
      bytes = root.read(displayPath(), RECORD);
    } catch (NoSuchFileException e) {
      return owned;
    }
    int n = 0;
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ");
      if (f.length != 3 || !PciAddress.isValid(f[0]) || !Names.isComponent(f[1]) || !Names.isComponent(f[2])) {
        throw RefusedFileException.malformed(displayPath(), "line " + n + " is not ADDRESS RULE DRIVER");
      }
      owned.put(f[0], new Owned(f[1], f[2].equals(NO_DRIVER) ? "" : f[2]));
    }
    return owned;
  }

  /** Replaces the record atomically, unless it already says so; an empty map removes it. */
  public void write(Map<String, Owned> owned) throws IOException {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(owned).forEach((device, o) -> b.append(device).append(' ').append(o.rule()).append(' ')
        .append(o.hostDriver().isEmpty() ? NO_DRIVER : o.hostDriver()).append('\n'));
    replace(FILE, b.toString());
  }

  /** Replaces the udev rule's matcher atomically; empty removes it (then no device that appears starts vfioctl for a rule). */
  public void writeMatcher(String script) throws IOException {
    replace(MATCHER, script);
  }

  /** Writes {@code text} as file {@code name}, or removes it for "": nothing at all when it already is so. */
  private void replace(String name, String text) throws IOException {
    byte[] now;
    try {
      now = root.read(dir + "/" + name, RECORD);
    } catch (NoSuchFileException e) {
      now = null;
    }
    byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
    if (now == null ? text.isEmpty() : java.util.Arrays.equals(now, wanted)) {
      return; // as it should be: an apply already in effect writes nothing
    }
    if (text.isEmpty()) {
      AtomicFiles.delete(root.resolve(dir), name);
    } else {
      AtomicFiles.write(root.resolve(dir), name, wanted);
    }
  }

  /** Removes the temporary files a process killed while writing left; under the global lock only. */
  public int removeStaleTemporaries() throws IOException {
    return AtomicFiles.removeStaleTemporaries(root.resolve(dir));
  }
}
