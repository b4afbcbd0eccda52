package io.vfioctl.sim;

import java.util.Optional;

/** A simulated PCI function. */
public final class SimDevice {
  private final String name;
  private final int vendor;
  private final int device;
  private final int subVendor;
  private final int subDevice;
  private final int classCode;
  private final int iommuGroup;
  private final int numaNode;
  String override;
  SimDriver driver;
  int vfioIndex = -1;
  boolean overrideSupported = true;
  /** The PF of a VF; null for other functions. */
  SimDevice physfn;
  /** A PF's VFs, in VF index order. */
  final java.util.List<SimDevice> virtfns = new java.util.ArrayList<>();
  /** A PF's {@code sriov_drivers_autoprobe}. */
  boolean driversAutoprobe = true;

  SimDevice(String name, int vendor, int device, int subVendor, int subDevice, int classCode, int iommuGroup, int numaNode) {
    this.name = name;
    this.vendor = vendor;
    this.device = device;
    this.subVendor = subVendor;
    this.subDevice = subDevice;
    this.classCode = classCode;
    this.iommuGroup = iommuGroup;
    this.numaNode = numaNode;
  }

  public String name() {
    return name;
  }

  public int vendor() {
    return vendor;
  }

  public int device() {
    return device;
  }

  public int subVendor() {
    return subVendor;
  }

  public int subDevice() {
    return subDevice;
  }

  public int classCode() {
    return classCode;
  }

  public int iommuGroup() {
    return iommuGroup;
  }

  public int numaNode() {
    return numaNode;
  }

  public Optional<String> override() {
    return Optional.ofNullable(override);
  }

  public Optional<String> driver() {
    return driver == null ? Optional.empty() : Optional.of(driver.name());
  }

  public Optional<SimDevice> physfn() {
    return Optional.ofNullable(physfn);
  }

  /**
   * The PCI core's {@code pci_device_can_probe}: a VF whose PF has {@code sriov_drivers_autoprobe}
   * 0 is probed only through {@code driver_override}.
   */
  boolean canProbe() {
    return physfn == null || physfn.driversAutoprobe || override != null;
  }

  /** Where the device sits under {@code /sys/devices}, as udev's {@code DEVPATH} names it. */
  public String devpath() {
    return "/devices/pci" + name.substring(0, 4) + ":" + name.substring(5, 7) + "/" + name;
  }

  /** The kernel's {@code modalias}: {@code pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X}. */
  public String modalias() {
    return String.format("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", vendor, device, subVendor, subDevice,
        (classCode >> 16) & 0xff, (classCode >> 8) & 0xff, classCode & 0xff);
  }
}
