package io.vfioctl.api;

import io.vfioctl.resolve.VfioResolver;
import java.util.List;
import java.util.Optional;

/**
 * The VFIO drivers that fit a device, best first, and what decided, as {@code vfioctl vfio-driver
 * --all} shows them.
 *
 * @param device the PCI address
 * @param modalias the device's {@code modalias}
 * @param kernel the kernel release whose {@code modules.alias} was read
 * @param candidates the fitting drivers, best first (never empty)
 * @param ambiguity says so when the two best could not be told apart (then the first by name won)
 * @param warning what the command warns of while resolving
 */
public record VfioResolution(String device, String modalias, String kernel, List<Choice> candidates,
    Optional<String> ambiguity, Optional<String> warning) {

  public VfioResolution {
    candidates = List.copyOf(candidates);
  }

  /**
   * One fitting VFIO driver.
   *
   * @param driver the name it registers (or will, once its module is loaded)
   * @param module its kernel module
   * @param alias the {@code vfio_pci:} alias that matched the device
   * @param wildcards how many of the alias's fields are wildcards (fewer fits better)
   * @param loaded whether its module is loaded
   */
  public record Choice(String driver, String module, String alias, int wildcards, boolean loaded) {}

  /** The best fit: the driver {@code vfioctl detach} binds. */
  public Choice best() {
    return candidates.get(0);
  }

  static VfioResolution from(VfioResolver.Resolution r) {
    return new VfioResolution(r.device(), r.modalias(), r.kernel(), r.candidates().stream()
        .map(c -> new Choice(c.driver(), c.module(), c.alias(), c.wildcards(), c.loaded())).toList(),
        r.ambiguity(), r.warning());
  }
}
