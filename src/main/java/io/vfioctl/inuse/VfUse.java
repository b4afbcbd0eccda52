package io.vfioctl.inuse;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The VFs of an SR-IOV PF ({@code virtfn0} to {@code virtfn<sriov_numvfs - 1>}) that are in use:
 * held by a VFIO driver (a {@code vfio-dev} directory), or used by the host themselves (an
 * interface up, a mounted disk: the rules of {@link NetUse} and {@link BlockUse}). The PF's
 * driver disables SR-IOV when it lets go, and the VFs vanish from under whoever uses them.
 */
final class VfUse {
  private final UseSources sources;

  VfUse(UseSources sources) {
    this.sources = sources;
  }

  /** {@code its VF 0000:01:10.0 is bound to vfio-pci}, then the VFs the host uses. */
  List<String> uses(DevicePaths pf) {
    List<String> uses = new ArrayList<>();
    List<String> hostUses = new ArrayList<>();
    for (String name : sources.virtfns(pf)) {
      DevicePaths vf = DevicePaths.of(new DeviceName(DeviceName.PCI, name), Optional.empty());
      if (sources.exists(vf.file("vfio-dev"))) {
        uses.add("its VF " + name + " is bound to " + sources.linkedName(vf.driverLink()).orElse("a VFIO driver"));
        continue;
      }
      List<String> own = new ArrayList<>(new BlockUse(sources).uses(name));
      own.addAll(new NetUse(sources).uses(name));
      own.forEach(u -> hostUses.add("its VF " + name + ": " + u));
    }
    uses.addAll(hostUses);
    return uses;
  }
}
