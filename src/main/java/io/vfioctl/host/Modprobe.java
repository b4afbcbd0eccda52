package io.vfioctl.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads modules into the running kernel with {@code modprobe}, as driverctl does. */
public final class Modprobe implements ModuleLoader {
  private static final List<Path> SYSTEM_PATHS = List.of(Path.of("/sbin/modprobe"), Path.of("/usr/sbin/modprobe"),
      Path.of("/bin/modprobe"), Path.of("/usr/bin/modprobe"));

  private final List<Path> candidates;

  public Modprobe() {
    this(SYSTEM_PATHS);
  }

  /** Uses the first executable of {@code candidates} (tests give a stand-in script). */
  Modprobe(List<Path> candidates) {
    this.candidates = List.copyOf(candidates);
  }

  @Override
  public void load(String module) throws ModuleLoadException {
    Path modprobe = candidates.stream().filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new ModuleLoadException(module, "modprobe not found; install kmod"));
    try {
      Process p = new ProcessBuilder(modprobe.toString(), "-q", "--", module)
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      int rc = p.waitFor();
      if (rc != 0) {
        // modprobe -q is silent about unknown modules; driverctl then says just "no such module".
        throw new ModuleLoadException(module, output.lines().findFirst().orElse(""));
      }
    } catch (IOException e) {
      throw new ModuleLoadException(module, "cannot run modprobe: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModuleLoadException(module, "interrupted");
    }
  }

  @Override
  public boolean isLive() {
    return true;
  }
}
