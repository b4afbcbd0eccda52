package io.vfioctl.api;

import java.util.List;
import java.util.Optional;

/**
 * What vfioctl read from a libvirt domain XML ({@link Vfioctl#parseDomain}): what {@link
 * Vfioctl#check(Domain)}, {@link Vfioctl#prepare(Domain)} and {@link Vfioctl#release(Domain)}
 * take. A domain read once stays as read.
 */
public final class Domain {
  private final io.vfioctl.libvirt.Domain read;
  private final List<Hostdev> hostdevs;
  private final List<DriverChoice> strayChoices;

  private Domain(io.vfioctl.libvirt.Domain read) {
    this.read = read;
    this.hostdevs = read.hostdevs().stream().map(Hostdev::from).toList();
    this.strayChoices = read.strayChoices().stream().map(DriverChoice::from).toList();
  }

  static Domain from(io.vfioctl.libvirt.Domain read) {
    return new Domain(read);
  }

  /** The domain as the engine reads it. */
  io.vfioctl.libvirt.Domain read() {
    return read;
  }

  /** The domain's {@code <name>}. */
  public String name() {
    return read.name();
  }

  /** The domain's {@code <uuid>}, lower-case with dashes, when it has one. */
  public Optional<String> uuid() {
    return read.uuid();
  }

  /**
   * Every PCI host device of the domain in document order: {@code <hostdev mode='subsystem'
   * type='pci'>} and {@code <interface type='hostdev'>}, VFIO or not.
   */
  public List<Hostdev> hostdevs() {
    return hostdevs;
  }

  /** vfioctl metadata entries that name no PCI host device of this domain. */
  public List<DriverChoice> strayChoices() {
    return strayChoices;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Domain d && read.equals(d.read);
  }

  @Override
  public int hashCode() {
    return read.hashCode();
  }

  @Override
  public String toString() {
    return "Domain[name=" + name() + ", uuid=" + uuid() + ", hostdevs=" + hostdevs + ", strayChoices=" + strayChoices + "]";
  }
}
