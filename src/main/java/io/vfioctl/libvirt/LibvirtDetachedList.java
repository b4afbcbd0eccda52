package io.vfioctl.libvirt;

import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Log;
import io.vfioctl.core.Names;
import io.vfioctl.host.Host;
import io.vfioctl.host.PreparedDomains;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

/**
 * What libvirtd still believes of the devices vfioctl returned: when a {@code managed='no'} guest
 * stops, libvirt puts its devices on its list of devices the user detached (in the daemon's
 * memory), and the hook's release, which comes after, returns them behind its back. A later
 * {@code managed='yes'} guest with such a device then gets libvirt's stale entry, and libvirt
 * leaves the device on VFIO when that guest stops ("Not reattaching unmanaged PCI device", seen
 * with libvirt 11.3). Restarting the daemon empties its list. So release notes what it returned,
 * one file per domain, and a note holds while the file is newer than the daemon's pid file.
 */
final class LibvirtDetachedList {
  static final String DIR = "/run/vfioctl/libvirt-returned";
  /** Written when the monolithic daemon or the QEMU driver's daemon starts. */
  static final List<String> DAEMON_PID_FILES = List.of("/run/libvirtd.pid", "/run/libvirt/virtqemud.pid");

  private final Host host;
  private final PreparedDomains returned;

  LibvirtDetachedList(Host host) {
    this.host = host;
    this.returned = new PreparedDomains(host.files(), DIR);
  }

  /** After release returned DEVICES of the domain whose list is KEY; a failure is a warning. */
  void returned(String key, Domain domain, List<String> devices, Log log) {
    try {
      returned.write(key, domain.name(), devices);
    } catch (IOException e) {
      log.warn("cannot write " + returned.displayPath(key) + ": " + IoErrors.describe(e));
    }
  }

  /**
   * The domain whose stop put DEVICE on the running daemon's list: vfioctl returned it from that
   * domain since the daemon started. Empty when no daemon runs or it restarted since.
   */
  Optional<String> listedBy(String device) {
    try {
      Optional<FileTime> started = daemonStart();
      if (started.isEmpty()) {
        return Optional.empty();
      }
      for (PreparedDomains.Prepared p : returned.all()) {
        if (p.devices().contains(device) && modified(returned.displayPath(p.key())).compareTo(started.get()) > 0) {
          return Optional.of(Names.printable(p.name()));
        }
      }
    } catch (IOException e) {
      // only a note depends on it
    }
    return Optional.empty();
  }

  private Optional<FileTime> daemonStart() throws IOException {
    Optional<FileTime> newest = Optional.empty();
    for (String f : DAEMON_PID_FILES) {
      if (host.files().exists(f)) {
        FileTime t = modified(f);
        newest = newest.isEmpty() || t.compareTo(newest.get()) > 0 ? Optional.of(t) : newest;
      }
    }
    return newest;
  }

  private FileTime modified(String path) throws IOException {
    Path real = host.files().resolve(path);
    return Files.getLastModifiedTime(real, LinkOption.NOFOLLOW_LINKS);
  }
}
