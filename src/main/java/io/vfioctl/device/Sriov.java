package io.vfioctl.device;

import io.vfioctl.core.PciAddress;
import io.vfioctl.core.Text;
import io.vfioctl.host.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

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

  /**
   * How the kernel numbers a PF's VFs: VF {@code i} has routing ID (bus and devfn) the PF's plus
   * {@code offset + i * stride}, as {@code pci_iov_virtfn_bus}/{@code _devfn} compute it, which is
   * what its {@code virtfn<i>} link points to.
   */
  public record Numbering(int domain, int routingId, int offset, int stride, int count) {
    /** The index of {@code vf} among the PF's enabled VFs; empty when it is none of them. */
    public OptionalInt indexOf(String vf) {
      if (!PciAddress.isValid(vf)) {
        return OptionalInt.empty();
      }
      PciAddress a = PciAddress.parse(vf);
      int distance = routingId(a) - routingId - offset;
      if (a.domain() != domain || distance < 0 || distance % stride != 0 || distance / stride >= count) {
        return OptionalInt.empty();
      }
      return OptionalInt.of(distance / stride);
    }

    static int routingId(PciAddress a) {
      return a.bus() << 8 | a.slot() << 3 | a.function();
    }
  }

  /**
   * The numbering of the VFs of PF {@code pf} (its files at {@code pfDir}) from its
   * {@code sriov_offset} and {@code sriov_stride}, two reads where its {@code virtfn} links are
   * one read per VF; empty when it does not show them (kernels before 4.16, some fake roots).
   */
  public Optional<Numbering> numbering(String pfDir, String pf) {
    Optional<String> offset = attribute(pfDir + "/sriov_offset").map(String::strip).filter(t -> Text.isDigits(t, 5));
    Optional<String> stride = attribute(pfDir + "/sriov_stride").map(String::strip).filter(t -> Text.isDigits(t, 5));
    if (offset.isEmpty() || stride.isEmpty() || Integer.parseInt(stride.get()) == 0 || !PciAddress.isValid(pf)) {
      return Optional.empty();
    }
    PciAddress a = PciAddress.parse(pf);
    return Optional.of(new Numbering(a.domain(), Numbering.routingId(a), Integer.parseInt(offset.get()),
        Integer.parseInt(stride.get()), numvfs(pfDir)));
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
