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

  String numaNode();

  Optional<String> physfn();

  OptionalInt vfIndex();

  List<String> pfInterfaces();
}
