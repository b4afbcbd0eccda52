package io.vfioctl.sim;

import java.util.ArrayList;
import java.util.List;

/** A simulated PCI driver, registered with the bus when its module is loaded. */
public final class SimDriver {
  private final String name;
  private final String module;
  private final List<PciId> ids;
  private final boolean vfio;
  final List<PciId> dynamicIds = new ArrayList<>();

  SimDriver(String name, String module, List<PciId> ids, boolean vfio) {
    this.name = name;
    this.module = module;
    this.ids = List.copyOf(ids);
    this.vfio = vfio;
  }

  public String name() {
    return name;
  }

  public String module() {
    return module;
  }

  public boolean isVfio() {
    return vfio;
  }

  /**
   * The PCI core's {@code pci_match_device}: with an override only the named driver matches,
   * and then always; dynamic IDs before static ones; override-only entries need the override.
   */
  boolean matches(SimDevice d) {
    if (d.override != null && !d.override.equals(name)) {
      return false;
    }
    for (PciId id : dynamicIds) {
      if (id.matches(d)) {
        return true;
      }
    }
    for (PciId id : ids) {
      if (id.matches(d) && (!id.overrideOnly() || d.override != null)) {
        return true;
      }
    }
    return d.override != null;
  }
}
