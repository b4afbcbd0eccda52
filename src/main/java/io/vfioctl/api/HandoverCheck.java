package io.vfioctl.api;

import io.vfioctl.libvirt.DomainHandover;
import java.util.List;

/**
 * What {@link Vfioctl#check(Domain)} (or {@link Vfioctl#check(List)}) found: each device as
 * checked, and whether the guest can start.
 *
 * @param domain the domain checked; for a list of addresses, one named {@code (devices)} that takes them
 * @param hostdevs its PCI host devices in document order
 * @param ok whether the guest can start: no device has a problem
 */
public record HandoverCheck(Domain domain, List<HostdevCheck> hostdevs, boolean ok) {

  public HandoverCheck {
    hostdevs = List.copyOf(hostdevs);
  }

  static HandoverCheck from(Domain domain, DomainHandover.Report r) {
    return new HandoverCheck(domain, r.hostdevs().stream().map(HostdevCheck::from).toList(), r.ok());
  }
}
