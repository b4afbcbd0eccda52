package io.vfioctl.preflight;

/**
 * One thing that stands in the way of handing a device to VFIO, found before anything is written.
 * Decisions go by the kind, never by the text.
 *
 * @param device the device's address
 * @param text one line for the user: what is wrong and what to do
 * @param refuses whether a change must not go ahead; false for a warning (the user passed
 *     {@code --force} or {@code --noiommu}, or the change may go ahead, as into a group that will
 *     not be viable). Every problem {@code status} and {@code domain check} collect refuses.
 */
public record Problem(Kind kind, String device, String text, boolean refuses) {

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

  /** A problem that refuses. */
  public static Problem of(Kind kind, String device, String text) {
    return new Problem(kind, device, text, true);
  }
}
