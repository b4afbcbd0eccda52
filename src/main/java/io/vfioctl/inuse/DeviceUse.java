package io.vfioctl.inuse;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.host.Host;
import java.util.ArrayList;
import java.util.List;

/**
 * What on the host uses a device, so that vfioctl can refuse to take it from its driver: the
 * disks it provides that hold the root file system, are mounted, are swap or are held by
 * device-mapper or md ({@link BlockUse}); its network interfaces that are up, have addresses or
 * carry routes, themselves or through a bond, bridge or VLAN on top ({@link NetUse}); its VFs
 * that a VFIO driver holds ({@link VfUse}); and the console, if it is the boot VGA device
 * ({@link ConsoleUse}). A device provides an interface or a disk when the link of its
 * {@code /sys/class/net} or {@code /sys/class/block} entry passes through the device's directory.
 *
 * <p>Everything is read through the host's ports, so a root that is not {@code /} is what is
 * looked at, and nothing it holds makes this fail: a missing or refused attribute is no
 * information, and so is an unreadable {@code /proc} file, except for the mount table and swap
 * list, whose loss is said as a use ("may be in use"), a mounted disk being the worst to take.
 * Limits: {@code /proc} shows no IPv4 address of its own (an interface that is down with an IPv4
 * address and no route is not detected), and mounts, routes and addresses are those of
 * vfioctl's namespaces.
 *
 * <p>An instance reads each class directory and {@code /proc} file once: use one for one look at
 * the host, such as the checks before a change, and a new one after the host changed.
 */
public final class DeviceUse {
  private final UseSources sources;

  public DeviceUse(Host host) {
    this.sources = new UseSources(host);
  }

  /** Every use found, each a short phrase for a one-line message, most serious first; empty when unused. */
  public List<String> uses(DevicePaths device) {
    String address = device.device().name();
    List<String> uses = new ArrayList<>(new BlockUse(sources).uses(address));
    uses.addAll(new NetUse(sources).uses(address));
    uses.addAll(new VfUse(sources).uses(device));
    uses.addAll(new ConsoleUse(sources).uses(device));
    return uses;
  }

  /**
   * The uses that keep a machine from booting when an initramfs takes the device: it holds the
   * root file system, or it is the boot VGA device and a console uses it.
   */
  public List<String> bootUses(DevicePaths device) {
    List<String> uses = new ArrayList<>(new BlockUse(sources).rootUses(device.device().name()));
    uses.addAll(new ConsoleUse(sources).uses(device));
    return uses;
  }
}
