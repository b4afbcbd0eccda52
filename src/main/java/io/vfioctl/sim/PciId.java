package io.vfioctl.sim;

/**
 * One entry of a simulated driver's ID table, like the kernel's {@code struct pci_device_id}.
 * {@link #ANY} matches any value; {@code overrideOnly} entries
 * ({@code PCI_DRIVER_OVERRIDE_DEVICE_VFIO}) match only through {@code driver_override}.
 */
public record PciId(int vendor, int device, int subVendor, int subDevice, int classCode, int classMask,
    boolean overrideOnly) {
  public static final int ANY = -1;

  public static PciId of(int vendor, int device) {
    return new PciId(vendor, device, ANY, ANY, 0, 0, false);
  }

  /** An entry as {@code PCI_DRIVER_OVERRIDE_DEVICE_VFIO(vendor, device)} makes it. */
  public static PciId vfioOverride(int vendor, int device) {
    return new PciId(vendor, device, ANY, ANY, 0, 0, true);
  }

  public static PciId ofClass(int classCode, int classMask) {
    return new PciId(ANY, ANY, ANY, ANY, classCode, classMask, false);
  }

  boolean matches(SimDevice d) {
    return field(vendor, d.vendor()) && field(device, d.device()) && field(subVendor, d.subVendor())
        && field(subDevice, d.subDevice()) && ((classCode ^ d.classCode()) & classMask) == 0;
  }

  private static boolean field(int id, int value) {
    return id == ANY || id == value;
  }
}
