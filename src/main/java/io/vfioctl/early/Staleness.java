package io.vfioctl.early;

import io.vfioctl.host.Host;
import io.vfioctl.host.InitramfsBuilds;
import java.io.IOException;
import java.util.Optional;

/**
 * The one-line notice after a change of the saved overrides or rules that the initramfs does not
 * reflect. Only when the integration is enabled: a hook has built an initramfs with vfioctl (an
 * {@link InitramfsBuilds} record exists); the newest build is compared. Nothing is rebuilt.
 */
public final class Staleness {
  private Staleness() {}

  public static Optional<String> notice(Host host) {
    Optional<InitramfsBuilds.Build> build = new InitramfsBuilds(host.files()).newest();
    if (build.isEmpty()) {
      return Optional.empty();
    }
    String now;
    try {
      now = Selection.read(host).digest();
    } catch (IOException e) {
      return Optional.empty();
    }
    if (now.equals(build.get().inputs())) {
      return Optional.empty();
    }
    return Optional.of("the initramfs (kernel " + build.get().kernel() + ") does not reflect the saved overrides"
        + " and binding rules now; to bind before host drivers at the next boot, rebuild it: "
        + build.get().rebuildCommand());
  }
}
