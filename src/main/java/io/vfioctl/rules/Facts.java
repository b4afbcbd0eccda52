package io.vfioctl.rules;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a rule can ask of one device; see {@link DeviceFacts}. Matching asks through this, so that
 * a device's facts can be read only as far as the rules look at them.
 */
public interface Facts {
  String address();

  String vendor();

  String device();

  String subsystemVendor();

  String subsystemDevice();

  String classCode();

  List<String> drivers();

  /**
   * The host driver that would claim it, for a device with no host driver: none bound, or a VFIO
   * driver (or an override) holds it and no record names the one before. Empty otherwise, and
   * when that cannot be told (no modalias, no modules.alias, no alias matching).
   */
  Optional<DefaultDriver> defaultDriver();

  String numaNode();

  Optional<String> physfn();

  OptionalInt vfIndex();

  List<String> pfInterfaces();

  /**
   * A text that fixes the five IDs (vendor, device, subsystem vendor and device, class), asked
   * when the first of them is: devices with equal keys have equal IDs. Null when there is none,
   * as here; then each ID is asked for.
   */
  default String idsKey() {
    return null;
  }
}
