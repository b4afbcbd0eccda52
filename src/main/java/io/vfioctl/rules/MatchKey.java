package io.vfioctl.rules;

/**
 * The keys of a rule's {@code [Match]} section, by their spelling in the file. The five IDs a
 * modalias holds come first, in this order ({@link ModaliasIds} fills them by ordinal).
 */
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

  static final int MAX_COST = 5;

  /**
   * What testing the key costs, from 0 (the address, known) to {@link #MAX_COST} (the listings of
   * a PF): a rule tests its cheap keys first, so that a device failing one is not read further.
   * The five IDs come from one read; the vendor and class come first, as most rules ask for them.
   * A PF is one link read (and most VFs' are read by then, for another rule); a driver is one
   * too, but a device without a host driver then has its default looked up in modules.alias.
   */
  int cost() {
    return switch (this) {
      case ADDRESS -> 0;
      case VENDOR, CLASS -> 1;
      case DEVICE, SUBSYSTEM_VENDOR, SUBSYSTEM_DEVICE -> 2;
      case NUMA_NODE, PHYSICAL_FUNCTION -> 3;
      case DRIVER -> 4;
      case VIRTUAL_FUNCTION_INDEX, PHYSICAL_INTERFACE -> MAX_COST;
    };
  }

  /** Whether it is one of the five IDs a device's modalias holds: vendor, device, subsystem vendor and device, class. */
  boolean isId() {
    return ordinal() <= CLASS.ordinal();
  }

  /** Whether matching needs the device's SR-IOV relations, which cost more to read. */
  boolean needsSriov() {
    return this == PHYSICAL_FUNCTION || this == VIRTUAL_FUNCTION_INDEX || this == PHYSICAL_INTERFACE;
  }
}
