package io.vfioctl.rules;

/** The keys of a rule's {@code [Match]} section, by their spelling in the file. */
public enum MatchKey {
  VENDOR("Vendor"),
  DEVICE("Device"),
  SUBSYSTEM_VENDOR("SubsystemVendor"),
  SUBSYSTEM_DEVICE("SubsystemDevice"),
  CLASS("Class"),
  ADDRESS("Address"),
  PHYSICAL_FUNCTION("PhysicalFunction"),
  VIRTUAL_FUNCTION_INDEX("VirtualFunctionIndex"),
  PHYSICAL_INTERFACE("PhysicalInterface"),
  DRIVER("Driver"),
  NUMA_NODE("NumaNode");

  private final String spelling;

  MatchKey(String spelling) {
    this.spelling = spelling;
  }

  public String spelling() {
    return spelling;
  }

  /** The key spelled {@code name} (case matters, as in systemd), or null. */
  static MatchKey named(String name) {
    for (MatchKey k : values()) {
      if (k.spelling.equals(name)) {
        return k;
      }
    }
    return null;
  }

  /** Whether matching needs the device's SR-IOV relations, which cost more to read. */
  boolean needsSriov() {
    return this == PHYSICAL_FUNCTION || this == VIRTUAL_FUNCTION_INDEX || this == PHYSICAL_INTERFACE;
  }
}
