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

  static final int MAX_COST = 3;

  /**
   * What testing the key costs, from 0 (the address, known) to {@link #MAX_COST} (SR-IOV links):
   * a rule tests its cheap keys first, so a device that fails one is not read further. The
   * vendor and class come before the other IDs, as most rules ask for them, so they are read anyway.
   */
  int cost() {
    return switch (this) {
      case ADDRESS -> 0;
      case VENDOR, CLASS -> 1;
      case DEVICE, SUBSYSTEM_VENDOR, SUBSYSTEM_DEVICE, NUMA_NODE, DRIVER -> 2;
      case PHYSICAL_FUNCTION, VIRTUAL_FUNCTION_INDEX, PHYSICAL_INTERFACE -> MAX_COST;
    };
  }

  /** Whether matching needs the device's SR-IOV relations, which cost more to read. */
  boolean needsSriov() {
    return this == PHYSICAL_FUNCTION || this == VIRTUAL_FUNCTION_INDEX || this == PHYSICAL_INTERFACE;
  }
}
