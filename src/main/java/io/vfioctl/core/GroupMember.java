package io.vfioctl.core;

import java.util.Optional;

/**
 * A device of an IOMMU group as VFIO judges it. VFIO hands a group to a guest only when no
 * member is driven by a host driver that does DMA: every member is bound to a VFIO driver, to
 * pci-stub, or to nothing; bridges (and PCIe ports under {@code pcieport}) do not count.
 */
public record GroupMember(String device, Optional<String> driver, boolean vfioBound, boolean bridge) {
  /** The drivers the kernel lets share a group with VFIO: they do no DMA of their own. */
  private static final java.util.Set<String> HARMLESS = java.util.Set.of("pci-stub", "pcieport");

  /** Whether this member keeps its group from VFIO as it is now. */
  public boolean blocksVfio() {
    return !bridge && driver.isPresent() && !vfioBound && !HARMLESS.contains(driver.get()) && !isVfioDriver(driver.get());
  }

  /**
   * Whether a driver name is a VFIO driver's: every one in Linux has {@code vfio} in its name
   * ({@code vfio-pci}, {@code mlx5_vfio_pci}, {@code xe-vfio-pci}, ...). Once bound, a device's
   * {@code vfio-dev} directory is the proof; this is for a driver not yet bound.
   */
  public static boolean isVfioDriver(String driver) {
    return driver.contains("vfio");
  }

  /** Whether a PCI class code ({@code 0x060400}) is a bridge's: PCI-to-PCI or semi-transparent. */
  public static boolean isBridgeClass(String classCode) {
    return classCode.startsWith("0x0604") || classCode.startsWith("0x0609");
  }
}
