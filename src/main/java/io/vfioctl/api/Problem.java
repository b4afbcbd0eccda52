package io.vfioctl.api;

/**
 * One thing that stands in the way of handing a device to VFIO. Decide by its kind; the text is
 * for people and may change.
 *
 * @param device the device's address
 * @param text one line for the user: what is wrong and what to do
 */
public record Problem(Kind kind, String device, String text) {

  public enum Kind {
    /** No device has the address. */
    DEVICE_MISSING,
    /** The device is in no IOMMU group (no IOMMU is enabled, or it is outside its reach): VFIO cannot isolate it. */
    NO_IOMMU_GROUP,
    /** Another member of its IOMMU group stays with a host driver that does DMA. */
    GROUP_NOT_VIABLE,
    /** A process holds the VFIO-bound device open: unbinding it waits until that process lets go. */
    HELD_BY_PROCESS,
    /** The host uses the device: an interface, a disk, the console, a VF. */
    IN_USE,
    /** A {@code managed='no'} device not on a VFIO driver, which libvirt will not detach. */
    NOT_DETACHED
  }

  static Problem from(io.vfioctl.preflight.Problem p) {
    return new Problem(Kind.valueOf(p.kind().name()), p.device(), p.text());
  }
}
