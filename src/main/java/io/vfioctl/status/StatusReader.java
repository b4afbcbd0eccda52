package io.vfioctl.status;

import io.vfioctl.core.VfioctlException;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Settings;
import io.vfioctl.device.DeviceLocator;
import io.vfioctl.device.Sriov;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.inuse.DeviceUse;
import io.vfioctl.inuse.VfioUsers;
import io.vfioctl.preflight.Preflight;
import io.vfioctl.device.Bindings;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceState;
import io.vfioctl.core.GroupMember;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.Sysfs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads what {@code vfioctl status} shows; reads only, takes no lock. */
public final class StatusReader {
  private final Host host;
  private final DeviceLocator locator;
  private final IommuGroups groups;
  private final Sriov sriov;
  private final DeviceUse use;

  public StatusReader(Host host, Settings settings) {
    this.host = host;
    this.locator = new DeviceLocator(host, settings);
    this.groups = new IommuGroups(host);
    this.sriov = new Sriov(host);
    this.use = new DeviceUse(host);
  }

  /**
   * The devices {@code status} shows without arguments: those handed over or about to be (bound
   * to a VFIO driver, detached, with an override or a saved one); with {@code all}, every device.
   */
  public List<DeviceStatus> handedOver(String bus, boolean all) throws VfioctlException {
    List<DeviceStatus> result = new ArrayList<>();
    for (String name : host.sysfs().list(DevicePaths.devicesDir(bus))) {
      Optional<DevicePaths> paths = locator.locateIfPresent(name);
      if (paths.isEmpty()) {
        continue;
      }
      // The cheap facts first: the whole status (groups, what uses the device) only for those shown.
      DevicePaths d = paths.get();
      if (all || host.sysfs().exists(d.file("vfio-dev")) || Bindings.current(host, d).override().isPresent()
          || read(() -> host.persisted().read(d.device()), host.persisted().displayPath(d.device())).isPresent()
          || read(() -> host.detached().read(d.device()), host.detached().displayPath(d.device())).isPresent()) {
        result.add(read(d));
      }
    }
    return result;
  }

  public DeviceStatus read(String device) throws VfioctlException {
    return read(locator.locate(device));
  }

  private DeviceStatus read(DevicePaths d) throws VfioctlException {
    return read(d, List.of());
  }

  /**
   * A device's status, its problems judged as if handed to VFIO along with {@code together}
   * ({@code domain check}: the domain's other VFIO devices); its blockers stay those of now.
   */
  public DeviceStatus read(DevicePaths d, Collection<String> together) throws VfioctlException {
    Sysfs sysfs = host.sysfs();
    DeviceState state = Bindings.current(host, d);
    boolean vfioBound = sysfs.exists(d.file("vfio-dev"));
    Optional<IommuGroups.Group> group = groups.of(d);
    Optional<String> holder = vfioBound ? new VfioUsers(host).holder(d) : Optional.empty();
    List<String> hostUses = use.uses(d);
    List<String> uses = new ArrayList<>();
    holder.ifPresent(h -> uses.add("held by " + h));
    uses.addAll(hostUses);
    List<String> vfs = sriov.virtfns(d.dir());
    return new DeviceStatus(
        d.device().name(),
        sysfs.read(d.file("vendor")),
        sysfs.read(d.file("device")),
        sysfs.read(d.file("class")),
        state.driver(),
        vfioBound,
        state.override(),
        read(() -> host.persisted().read(d.device()), host.persisted().displayPath(d.device())),
        read(() -> host.detached().read(d.device()), host.detached().displayPath(d.device())),
        group.map(IommuGroups.Group::id),
        group.map(IommuGroups.Group::members).orElse(List.of()),
        group.map(g -> g.blockers(List.<String>of())).orElse(List.<GroupMember>of()),
        uses,
        sriov.physfn(d.dir()),
        vfs,
        vfs.isEmpty() ? Optional.empty() : Optional.of(sriov.driversAutoprobe(d.dir())),
        Preflight.collect(d.device().name(), group, together, holder, hostUses));
  }

  private interface FileRead<T> {
    Optional<T> read() throws IOException;
  }

  private static <T> Optional<T> read(FileRead<T> read, String file) throws VfioctlException {
    try {
      return read.read();
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + file + ": " + IoErrors.describe(e));
    }
  }
}
