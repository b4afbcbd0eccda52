package io.vfioctl.libvirt;

import io.vfioctl.preflight.Problem;
import java.util.List;
import java.util.Optional;

/**
 * What {@code vfioctl domain check} found for one PCI host device of a domain.
 *
 * @param driver the VFIO driver the device gets; empty for a device that is not VFIO's (for a
 *     module not loaded yet, the name it will most likely register)
 * @param word what detach is given: the driver, or {@code vfio} for the best fit (resolved again
 *     once its module is loaded)
 * @param why where that choice comes from: {@code model}, vfioctl's metadata, or the best fit
 * @param current the driver bound now
 * @param vfioBound whether a VFIO driver holds it now
 * @param group its IOMMU group
 * @param groupViable whether VFIO can use the group once the domain's VFIO devices are bound
 * @param action what prepare (or the hook) does with it, or why nothing
 * @param found what would keep the guest from starting, each with its kind (empty: nothing)
 * @param notes where libvirt decides otherwise, and other remarks
 */
public record HostdevCheck(Hostdev hostdev, Optional<String> driver, String word, String why, Optional<String> current,
    boolean vfioBound, Optional<String> group, boolean groupViable, String action, List<Problem> found, List<String> notes) {

  public HostdevCheck {
    found = List.copyOf(found);
    notes = List.copyOf(notes);
  }

  /** What would keep the guest from starting, as told (empty: nothing). */
  public List<String> problems() {
    return found.stream().map(Problem::text).toList();
  }

  /** Whether prepare detaches it: a {@code managed='no'} VFIO device not yet on its driver. */
  public boolean needsDetach() {
    return driver.isPresent() && !hostdev.managed() && !(vfioBound && current.equals(driver));
  }
}
