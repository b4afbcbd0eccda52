package io.vfioctl.inuse;

import io.vfioctl.core.Text;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.host.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Path proc = host.root().resolve("proc");
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> Text.isDigits(p.getFileName().toString(), Integer.MAX_VALUE))) {
      for (Path pid : pids) {
        Optional<String> node = holds(pid.resolve("fd"), nodes);
        if (node.isPresent()) {
          return Optional.of("pid " + pid.getFileName() + " (" + command(pid) + ") through " + node.get());
        }
      }
    } catch (IOException e) {
      return Optional.empty(); // no proc to ask: the deadline still guards the unbind
    }
    return Optional.empty();
  }

  private static Optional<String> holds(Path fds, Set<String> nodes) {
    try (DirectoryStream<Path> links = Files.newDirectoryStream(fds)) {
      for (Path fd : links) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (nodes.contains(target)) {
            return Optional.of(target);
          }
        } catch (IOException | UnsupportedOperationException e) {
          // gone, or not a link: not a holder
        }
      }
    } catch (IOException e) {
      // a process that ended, or one we may not look into
    }
    return Optional.empty();
  }

  private static String command(Path pid) {
    try {
      byte[] comm = Files.readAllBytes(pid.resolve("comm"));
      String name = new String(comm, 0, Math.min(comm.length, 64), StandardCharsets.UTF_8).strip();
      return io.vfioctl.core.Names.printable(name);
    } catch (IOException e) {
      return "?";
    }
  }
}
