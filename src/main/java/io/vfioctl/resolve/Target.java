package io.vfioctl.resolve;

import java.util.Optional;

/** The driver to write into {@code driver_override} and the module to load first, if any. */
public record Target(String driver, Optional<String> moduleToLoad) {
  public static final Target CLEAR = new Target("", Optional.empty());
}
