package io.vfioctl.change;

/** What a command asks of each device. */
sealed interface Intent {

  /** driverctl's override: {@code word} names a driver, {@code vfio} or nothing ({@code ""}: clear it). */
  record SetOverride(String word, boolean save) implements Intent {}

  /** Hands the device to {@code word}'s driver, recording where it came from; saves nothing. */
  record Detach(String word) implements Intent {}

  /** Returns the device to what detach recorded, or to its default driver. */
  record Reattach() implements Intent {}
}
