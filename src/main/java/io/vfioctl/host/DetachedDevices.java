package io.vfioctl.host;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DeviceState;
import io.vfioctl.core.InvalidNameException;
import io.vfioctl.core.OriginalState;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.RefusedFileException;
import io.vfioctl.sysfs.RegularFile;
import io.vfioctl.sysfs.SizeLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code detach} took each device from, for {@code reattach}: one file per device under
 * {@code /run/vfioctl/detached}, like {@code virsh nodedev-detach}, not kept across a reboot
 * (the bindings are not either).
 */
public final class DetachedDevices {
  private static final SizeLimit RECORD = SizeLimit.kib(4, "a detach record");

  private final ConfinedRoot root;
  private final String dir;

  public DetachedDevices(ConfinedRoot root, String dir) {
    this.root = root;
    this.dir = dir;
  }

  public String displayPath(DeviceName device) {
    return dir + "/" + device.persistedFileName();
  }

  /**
   * The recorded original state, if any.
   *
   * @throws IOException also when the file is not a record (a {@link RefusedFileException} naming it)
   */
  public Optional<DeviceState> read(DeviceName device) throws IOException {
    String shown = displayPath(device);
    Optional<ConfinedRoot.Located> found = root.locate(shown);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String text = new String(RegularFile.read(found.get().path(), found.get().attributes(), shown, RECORD),
        StandardCharsets.UTF_8);
    try {
      return Optional.of(OriginalState.decode(text));
    } catch (InvalidNameException e) {
      throw RefusedFileException.malformed(shown, e.getMessage());
    }
  }

  /** The devices that have a record, by their file names ({@code pci-0000:03:00.0}), sorted. */
  public java.util.List<DeviceName> list() throws IOException {
    Path real = root.resolve(dir);
    java.util.List<DeviceName> devices = new java.util.ArrayList<>();
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return devices;
    }
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(real)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        int dash = name.indexOf('-');
        if (dash <= 0 || name.startsWith(".")) {
          continue;
        }
        try {
          devices.add(new DeviceName(name.substring(0, dash), name.substring(dash + 1)));
        } catch (InvalidNameException e) {
          // not a record of ours
        }
      }
    }
    devices.sort((a, b) -> a.persistedFileName().compareTo(b.persistedFileName()));
    return devices;
  }

  public void write(DeviceName device, DeviceState original) throws IOException {
    AtomicFiles.write(root.resolve(dir), device.persistedFileName(),
        OriginalState.encode(original).getBytes(StandardCharsets.UTF_8));
  }

  public void remove(DeviceName device) throws IOException {
    AtomicFiles.delete(root.resolve(dir), device.persistedFileName());
  }

  /** Removes the temporary files a process killed while writing one left; under the global lock only. */
  public int removeStaleTemporaries() throws IOException {
    return AtomicFiles.removeStaleTemporaries(root.resolve(dir));
  }
}
