/**
 * vfioctl hands PCI devices to VFIO. A Java program uses it through {@link io.vfioctl.api.Vfioctl}
 * and the values it returns; everything else is the tool's inside and may change in any release.
 */
module io.vfioctl {
  requires java.xml;

  exports io.vfioctl.api;
}
