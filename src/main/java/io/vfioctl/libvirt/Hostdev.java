package io.vfioctl.libvirt;

import io.vfioctl.core.PciAddress;
import java.util.Optional;

/**
 * A host PCI device that a domain takes.
 *
 * @param address the host device, from {@code <source><address …/>}
 * @param managed whether libvirt binds and unbinds the device itself ({@code managed='yes'});
 *     an absent attribute is {@code no}, as in libvirt
 * @param backend {@code <driver name='…'/>}
 * @param model {@code <driver model='…'/>}: the VFIO variant driver libvirt 10.0+ is told to use
 * @param metadataDriver the driver chosen for this device in vfioctl's domain metadata
 * @param source which element the device comes from
 * @param line the line of that element's start tag
 */
public record Hostdev(PciAddress address, boolean managed, Backend backend, Optional<String> model,
    Optional<String> metadataDriver, Source source, int line) {

  /** The {@code name} of a PCI host device's {@code <driver>}. */
  public enum Backend {
    /**
     * No {@code <driver name>}: the hypervisor driver picks. The QEMU driver picks VFIO (legacy
     * KVM assignment is gone), the libxl driver picks Xen's pciback.
     */
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

  /** Whether the device goes to the guest through VFIO: {@link Backend#VFIO} or the default. */
  public boolean isVfio() {
    return backend == Backend.VFIO || backend == Backend.DEFAULT;
  }

  /** This device with {@code driver} as the choice from vfioctl's metadata. */
  Hostdev withMetadataDriver(String driver) {
    return new Hostdev(address, managed, backend, model, Optional.of(driver), source, line);
  }
}
