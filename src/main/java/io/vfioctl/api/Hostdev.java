package io.vfioctl.api;

import java.util.Optional;

/**
 * A host PCI device that a domain takes.
 *
 * @param address the host device, from {@code <source><address …/>}: {@code 0000:3b:00.2}
 * @param managed whether libvirt binds and unbinds the device itself ({@code managed='yes'});
 *     an absent attribute is {@code no}, as in libvirt
 * @param backend {@code <driver name='…'/>}
 * @param model {@code <driver model='…'/>}: the VFIO variant driver libvirt 10.0+ is told to use
 * @param metadataDriver the driver chosen for this device in vfioctl's domain metadata
 * @param source which element the device comes from
 * @param line the line of that element's start tag
 */
public record Hostdev(String address, boolean managed, Backend backend, Optional<String> model,
    Optional<String> metadataDriver, Source source, int line) {

  /** The {@code name} of a PCI host device's {@code <driver>}: {@code DEFAULT} and {@code VFIO} go through VFIO. */
  public enum Backend {
    /** No {@code <driver name>}: the hypervisor driver picks (QEMU's picks VFIO, libxl's Xen's pciback). */
    DEFAULT,
    VFIO,
    /** Legacy KVM device assignment: not VFIO. */
    KVM,
    /** Xen pciback: not VFIO. */
    XEN
  }

  /** The element a host device comes from. */
  public enum Source {
    /** {@code <hostdev mode='subsystem' type='pci'>} */
    HOSTDEV,
    /** {@code <interface type='hostdev'>} (an SR-IOV network function) */
    INTERFACE
  }

  static Hostdev from(io.vfioctl.libvirt.Hostdev h) {
    return new Hostdev(h.address().toString(), h.managed(), Backend.valueOf(h.backend().name()), h.model(),
        h.metadataDriver(), Source.valueOf(h.source().name()), h.line());
  }
}
