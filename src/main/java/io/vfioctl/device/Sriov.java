package io.vfioctl.device;

import io.vfioctl.core.Text;
import io.vfioctl.host.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SR-IOV relations from sysfs: a VF's {@code physfn}, a PF's {@code virtfnN} links. */
public final class Sriov {
  /** The kernel allows at most 65535 VFs; a hostile {@code sriov_numvfs} must not make us loop for ever. */
  private static final int MAX_VFS = 65_535;

  private final Host host;

  public Sriov(Host host) {
    this.host = host;
  }

  /** The PF of a VF. */
  /** A sysfs attribute; a refused one (a FIFO, too large: a hostile root) counts as absent. */
  private Optional<String> attribute(String path) {
    try {
      return host.sysfs().read(path);
    } catch (io.vfioctl.sysfs.SysfsReadException e) {
      return Optional.empty();
    }
  }

  public Optional<String> physfn(String deviceDir) {
    return host.sysfs().linkName(deviceDir + "/physfn").filter(io.vfioctl.core.PciAddress::isValid);
  }

  /** A PF's enabled VFs, in VF index order; empty for any other device. */
  public List<String> virtfns(String deviceDir) {
    int count = numvfs(deviceDir);
    List<String> vfs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      host.sysfs().linkName(deviceDir + "/virtfn" + i).filter(io.vfioctl.core.PciAddress::isValid).ifPresent(vfs::add);
    }
    return vfs;
  }

  /** {@code sriov_drivers_autoprobe}: when 0, host drivers leave the PF's VFs alone unless an override names one. */
  public boolean driversAutoprobe(String pfDir) {
    return !attribute(pfDir + "/sriov_drivers_autoprobe").orElse("1").strip().equals("0");
  }

  private int numvfs(String deviceDir) {
    String text = attribute(deviceDir + "/sriov_numvfs").orElse("0").strip();
    if (!Text.isDigits(text, 5)) {
      return 0;
    }
    return Math.min(Integer.parseInt(text), MAX_VFS);
  }
}
