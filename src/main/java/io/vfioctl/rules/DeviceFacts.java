package io.vfioctl.rules;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a rule can ask of one device, as plain text: IDs as four lower-case hex digits without
 * {@code 0x}, the class as six. A fact not read (no rule asks for it) or absent is empty.
 *
 * @param drivers its current driver and the host driver it had before a rule took it, when known
 *     (either may be absent)
 * @param physfn its PF, for a VF
 * @param vfIndex its index among its PF's VFs
 * @param pfInterfaces the network interfaces of its PF
 * @param defaultDriver see {@link Facts#defaultDriver}
 */
public record DeviceFacts(String address, String vendor, String device, String subsystemVendor,
    String subsystemDevice, String classCode, List<String> drivers, String numaNode, Optional<String> physfn,
    OptionalInt vfIndex, List<String> pfInterfaces, Optional<DefaultDriver> defaultDriver) implements Facts {

  /** A device that has a host driver, or whose default one is not known. */
  public DeviceFacts(String address, String vendor, String device, String subsystemVendor, String subsystemDevice,
      String classCode, List<String> drivers, String numaNode, Optional<String> physfn, OptionalInt vfIndex,
      List<String> pfInterfaces) {
    this(address, vendor, device, subsystemVendor, subsystemDevice, classCode, drivers, numaNode, physfn, vfIndex,
        pfInterfaces, Optional.empty());
  }

  /** A device known only by its IDs (tests, and hosts where nothing else is read). */
  public static DeviceFacts of(String address, String vendor, String device, String classCode) {
    return new DeviceFacts(address, vendor, device, vendor, device, classCode, List.of(), "", Optional.empty(),
        OptionalInt.empty(), List.of());
  }

  /** An ID as sysfs gives it ({@code 0x10de\n}) in the form facts hold ({@code 10de}). */
  public static String id(String sysfsText) {
    String s = sysfsText.strip().toLowerCase(java.util.Locale.ROOT);
    return s.startsWith("0x") ? s.substring(2) : s;
  }
}
