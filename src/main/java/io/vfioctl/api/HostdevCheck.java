package io.vfioctl.api;

import java.util.List;
import java.util.Optional;

/**
 * What a check found for one PCI host device, as {@code vfioctl domain check} shows it.
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
 * @param action what prepare (or the libvirt hook) does with it, or why nothing
 * @param needsDetach whether prepare detaches it: a {@code managed='no'} VFIO device not yet on its driver
 * @param problems what would keep the guest from starting, each with its kind (empty: nothing)
 * @param notes where libvirt decides otherwise, and other remarks
 */
public record HostdevCheck(Hostdev hostdev, Optional<String> driver, String word, String why, Optional<String> current,
    boolean vfioBound, Optional<String> group, boolean groupViable, String action, boolean needsDetach,
    List<Problem> problems, List<String> notes) {

  public HostdevCheck {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  static HostdevCheck from(io.vfioctl.libvirt.HostdevCheck c) {
    return new HostdevCheck(Hostdev.from(c.hostdev()), c.driver(), c.word(), c.why(), c.current(), c.vfioBound(),
        c.group(), c.groupViable(), c.action(), c.needsDetach(), c.found().stream().map(Problem::from).toList(), c.notes());
  }
}
