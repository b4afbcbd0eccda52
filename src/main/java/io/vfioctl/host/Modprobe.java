package io.vfioctl.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads modules into the running kernel with {@code modprobe}, as driverctl does. */
public final class Modprobe implements ModuleLoader {
  private static final List<Path> CANDIDATES = List.of(Path.of("/sbin/modprobe"), Path.of("/usr/sbin/modprobe"),
      Path.of("/bin/modprobe"), Path.of("/usr/bin/modprobe"));

  @Override
  public void load(String module) throws ModuleLoadException {
    Path modprobe = CANDIDATES.stream().filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new ModuleLoadException(module, "modprobe not found; install kmod"));
    try {
      Process p = new ProcessBuilder(modprobe.toString(), "-q", "--", module)
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.DISCARD)
          .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      int rc = p.waitFor();
      if (rc != 0) {
        throw new ModuleLoadException(module, output.isEmpty() ? "modprobe exited with " + rc : output.lines().findFirst().orElse(""));
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
