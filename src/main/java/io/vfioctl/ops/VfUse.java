package io.vfioctl.ops;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.PciAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The VFs of an SR-IOV PF ({@code virtfn0} to {@code virtfn<sriov_numvfs - 1>}) that are in use:
 * held by a VFIO driver (a {@code vfio-dev} directory), or used by the host themselves (an
 * interface up, a mounted disk: the rules of {@link NetUse} and {@link BlockUse}). The PF's
 * driver disables SR-IOV when it lets go, and the VFs vanish from under whoever uses them. At
 * most {@value #MAX_VFS} VFs are looked at, as many as PCIe allows a PF in practice.
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
    List<String> hostUses = new ArrayList<>();
    for (int i = 0; i < Math.min(count, MAX_VFS); i++) {
      Optional<DevicePaths> vf = vf(pf, i);
      if (vf.isEmpty()) {
        continue;
      }
      String name = vf.get().device().name();
      if (isVfioBound(vf.get())) {
        uses.add("its VF " + name + " is bound to " + sources.linkedName(vf.get().driverLink()).orElse("a VFIO driver"));
        continue;
      }
      List<String> own = new ArrayList<>(new BlockUse(sources).uses(name));
      own.addAll(new NetUse(sources).uses(name));
      own.forEach(u -> hostUses.add("its VF " + name + ": " + u));
    }
    uses.addAll(hostUses);
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
