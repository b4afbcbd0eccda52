package io.vfioctl.ops;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.PciAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The VFs of an SR-IOV PF that a VFIO driver holds ({@code virtfn0} to
 * {@code virtfn<sriov_numvfs - 1>}, each with a {@code vfio-dev} directory): the PF's driver
 * disables SR-IOV when it lets go, and the VFs vanish from under whoever uses them, usually a
 * guest. At most {@value #MAX_VFS} VFs are looked at, as many as PCIe allows a PF in practice.
 */
final class VfUse {
  private static final int MAX_VFS = 4096;

  private final UseSources sources;

  VfUse(UseSources sources) {
    this.sources = sources;
  }

  /** {@code its VF 0000:01:10.0 is bound to vfio-pci}, one per such VF. */
  List<String> uses(DevicePaths pf) {
    int count = sources.attribute(pf.file("sriov_numvfs")).map(String::strip).filter(s -> s.matches("[0-9]{1,5}"))
        .map(Integer::parseInt).orElse(0);
    List<String> uses = new ArrayList<>();
    for (int i = 0; i < Math.min(count, MAX_VFS); i++) {
      vf(pf, i).filter(this::isVfioBound).ifPresent(vf -> uses.add("its VF " + vf.device().name() + " is bound to "
          + sources.linkedName(vf.driverLink()).orElse("a VFIO driver")));
    }
    return uses;
  }

  private Optional<DevicePaths> vf(DevicePaths pf, int index) {
    return sources.linkedName(pf.file("virtfn" + index)).filter(PciAddress::isValid)
        .map(name -> DevicePaths.of(new DeviceName(DeviceName.PCI, name), Optional.empty()));
  }

  private boolean isVfioBound(DevicePaths vf) {
    return sources.exists(vf.file("vfio-dev"));
  }
}
