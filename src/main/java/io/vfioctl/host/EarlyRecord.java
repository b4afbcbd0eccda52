package io.vfioctl.host;

import io.vfioctl.core.Names;
import io.vfioctl.core.PciAddress;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.SizeLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the initramfs's early script did at this boot, as it left it in {@link #DIR} (the
 * initramfs's {@code /run} is carried over to the real root): a file {@code ran} ({@code inputs
 * DIGEST}, {@code builder initramfs-tools|dracut}, {@code kernel VERSION} lines) once it ran, and
 * one file {@code pci-ADDRESS} per device it took, {@code DRIVER HOST-DRIVER SOURCE} (the host
 * driver it unbound or {@code -}; {@code override}, or the rule file's name). A line that does
 * not read so is passed over: the record says what happened, it decides nothing.
 */
public final class EarlyRecord {
  public static final String DIR = "/run/vfioctl/early";
  public static final String RAN = "ran";
  public static final String BY_OVERRIDE = "override";
  private static final SizeLimit RECORD = SizeLimit.kib(4, "an early-boot record");

  private final ConfinedRoot root;

  public EarlyRecord(ConfinedRoot root) {
    this.root = root;
  }

  /** The initramfs that ran the script: what it was built from, and by which tool. */
  public record Run(String inputs, String builder, String kernel) {}

  /**
   * A device the early script took.
   *
   * @param hostDriver the driver it unbound, empty for none (a device no driver had yet)
   * @param source {@link #BY_OVERRIDE} or the name of the rule file that selected it
   */
  public record Taken(String device, String driver, String hostDriver, String source) {
    public boolean byOverride() {
      return source.equals(BY_OVERRIDE);
    }

    /**
     * Why a device this record says was taken is on {@code driver} now when no saved override or
     * rule selects it: the boot path returned it, the initramfs being older than the change.
     *
     * @param rebuild the command that builds the initramfs again
     */
    public String returned(String driver, String rebuild) {
      return "; returned to " + driver + " at boot: no saved override or rule selects it now, the initramfs is out of"
          + " date (rebuild it: " + rebuild + ")";
    }

    /** {@code vfio-pci by the initramfs (saved override; e1000 unbound)}. */
    public String describe() {
      return driver + " by the initramfs (" + (byOverride() ? "saved override" : "rule " + source)
          + (hostDriver.isEmpty() ? "" : "; " + hostDriver + " unbound") + ")";
    }
  }

  /** Empty when no early script ran at this boot. */
  public Optional<Run> run() {
    Map<String, String> fields = new TreeMap<>();
    for (String line : text(DIR + "/" + RAN).split("\n")) {
      int blank = line.indexOf(' ');
      if (blank > 0 && Names.isComponent(line.substring(blank + 1))) {
        fields.put(line.substring(0, blank), line.substring(blank + 1));
      }
    }
    if (!fields.containsKey("inputs")) {
      return Optional.empty();
    }
    return Optional.of(new Run(fields.get("inputs"), fields.getOrDefault("builder", ""),
        fields.getOrDefault("kernel", "")));
  }

  /** The devices it took, by address. */
  public Map<String, Taken> taken() {
    Map<String, Taken> taken = new TreeMap<>();
    for (String name : root.list(DIR)) {
      String device = name.startsWith("pci-") ? name.substring(4) : "";
      if (!PciAddress.isValid(device)) {
        continue;
      }
      String[] f = text(DIR + "/" + name).strip().split(" ");
      if (f.length == 3 && Names.isComponent(f[0]) && Names.isComponent(f[1]) && Names.isComponent(f[2])) {
        taken.put(device, new Taken(device, f[0], f[1].equals("-") ? "" : f[1], f[2]));
      }
    }
    return taken;
  }

  private String text(String path) {
    try {
      return new String(root.read(path, RECORD), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
