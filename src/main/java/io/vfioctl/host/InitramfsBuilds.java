package io.vfioctl.host;

import io.vfioctl.core.Names;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.SizeLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What each initramfs build was made from: {@link #DIR}{@code /<kernel version>}, written by
 * {@code vfioctl initramfs} when a hook (initramfs-tools or dracut) runs it, with {@code builder},
 * {@code inputs} (the digest of the saved overrides and rules it compiled) and {@code time}
 * lines. Its presence is what "the initramfs integration is enabled" means.
 */
public final class InitramfsBuilds {
  public static final String DIR = "/var/lib/vfioctl/initramfs";
  private static final SizeLimit RECORD = SizeLimit.kib(4, "an initramfs build record");

  private final ConfinedRoot root;

  public InitramfsBuilds(ConfinedRoot root) {
    this.root = root;
  }

  /** One build: {@code time} in milliseconds since the epoch. */
  public record Build(String kernel, String builder, String inputs, long time) {
    /** The command that builds the initramfs again. */
    public String rebuildCommand() {
      return InitramfsBuilds.rebuildCommand(builder);
    }
  }

  /** The command that builds an initramfs of {@code builder} ({@code initramfs-tools}, {@code dracut}) again. */
  public static String rebuildCommand(String builder) {
    return builder.equals("dracut") ? "dracut -f" : "update-initramfs -u";
  }

  public void write(String kernel, String builder, String inputs, long time) throws IOException {
    Names.requireComponent(kernel, "kernel version");
    String text = "builder " + builder + "\ninputs " + inputs + "\ntime " + time + "\n";
    AtomicFiles.write(root.resolve(DIR), kernel, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The build written last, if any: what the next boot most likely runs. */
  public Optional<Build> newest() {
    Build newest = null;
    for (String kernel : root.list(DIR)) {
      if (kernel.startsWith(".") || !Names.isComponent(kernel)) {
        continue;
      }
      Map<String, String> f = new HashMap<>();
      try {
        for (String line : new String(root.read(DIR + "/" + kernel, RECORD), StandardCharsets.UTF_8).split("\n")) {
          int blank = line.indexOf(' ');
          if (blank > 0) {
            f.put(line.substring(0, blank), line.substring(blank + 1));
          }
        }
      } catch (IOException e) {
        continue;
      }
      long time = f.getOrDefault("time", "0").matches("[0-9]{1,18}") ? Long.parseLong(f.get("time")) : 0;
      if (f.containsKey("inputs") && (newest == null || time > newest.time())) {
        newest = new Build(kernel, f.getOrDefault("builder", ""), f.get("inputs"), time);
      }
    }
    return Optional.ofNullable(newest);
  }
}
