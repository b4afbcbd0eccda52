package io.vfioctl.libvirt;

import java.util.List;
import java.util.Optional;

/**
 * What vfioctl reads from a libvirt domain XML.
 *
 * @param name the domain's {@code <name>}
 * @param uuid the domain's {@code <uuid>}, lower-case with dashes, when it has one
 * @param hostdevs every PCI host device of the domain in document order: {@code <hostdev
 *     mode='subsystem' type='pci'>} and {@code <interface type='hostdev'>}, VFIO or not
 * @param strayChoices vfioctl metadata entries that name no PCI host device of this domain
 */
public record Domain(String name, Optional<String> uuid, List<Hostdev> hostdevs, List<DriverChoice> strayChoices) {
  /** Copies the lists: a domain read once stays as read. */
  public Domain {
    hostdevs = List.copyOf(hostdevs);
    strayChoices = List.copyOf(strayChoices);
  }
}
