package io.vfioctl.inuse;

import io.vfioctl.core.Text;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.Names;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.SizeLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who holds a VFIO-bound device open: a process with its group ({@code /dev/vfio/<group>}) or
 * its device ({@code /dev/vfio/devices/vfioN}) among its open files. Unbinding such a device
 * blocks in the kernel until that process lets go (QEMU unplugs it from the guest first), and
 * nothing can stop the unbinding process meanwhile; so vfioctl asks first, from the root's
 * {@code proc}. Only link targets are read, never followed.
 */
public final class VfioUsers {
  private static final SizeLimit COMM = SizeLimit.kib(4, "a process name");
  private final Host host;

  public VfioUsers(Host host) {
    this.host = host;
  }

  /** A process holding the device: {@code pid 1234 (qemu-system-x86) through /dev/vfio/12}. */
  public Optional<String> holder(DevicePaths device) {
    List<String> cdevs = host.sysfs().list(device.file("vfio-dev"));
    if (cdevs.isEmpty()) {
      return Optional.empty(); // not bound to a VFIO driver
    }
    Set<String> nodes = new HashSet<>();
    cdevs.forEach(cdev -> nodes.add("/dev/vfio/devices/" + cdev));
    host.sysfs().linkName(device.file("iommu_group")).ifPresent(g -> {
      nodes.add("/dev/vfio/" + g);
      nodes.add("/dev/vfio/noiommu-" + g); // vfio's unsafe no-IOMMU mode names its groups so
    });
    for (String pid : host.files().list("/proc")) {
      if (!io.vfioctl.core.Text.isDigits(pid, 10)) {
        continue;
      }
      String fds = "/proc/" + pid + "/fd";
      for (String fd : host.files().list(fds)) {
        Optional<String> target = host.files().linkText(fds + "/" + fd);
        if (target.isPresent() && nodes.contains(target.get())) {
          return Optional.of("pid " + pid + " (" + command(pid) + ") through " + target.get());
        }
      }
    }
    return Optional.empty();
  }

  /** The process's name; its {@code comm} is 16 bytes, read as a bounded regular file. */
  private String command(String pid) {
    try {
      byte[] comm = host.files().read("/proc/" + pid + "/comm", COMM);
      return Names.printable(new String(comm, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      return "?";
    }
  }
}
