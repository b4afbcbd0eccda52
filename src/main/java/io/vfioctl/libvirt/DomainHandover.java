package io.vfioctl.libvirt;

import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.Names;
import io.vfioctl.core.PciAddress;
import io.vfioctl.host.Host;
import io.vfioctl.host.PreparedDomains;
import io.vfioctl.device.DeviceLocator;
import io.vfioctl.status.DeviceStatus;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Log;
import io.vfioctl.change.OverrideEngine;
import io.vfioctl.preflight.Problem;
import io.vfioctl.core.Settings;
import io.vfioctl.status.StatusReader;
import io.vfioctl.resolve.TargetResolver;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.core.VfioctlException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A libvirt domain's PCI host devices: which VFIO driver each gets and whether the guest can
 * start ({@link #check}); detaching the {@code managed='no'} ones before it starts
 * ({@link #prepare}), all or nothing, and returning them after it stops ({@link #release}).
 * {@code managed='yes'} devices are libvirt's to bind; check says where libvirt will decide
 * differently from vfioctl.
 */
public final class DomainHandover {
  /** libvirt runs the hooks in this directory; the package installs vfioctl's there. */
  public static final String HOOK = "/etc/libvirt/hooks/qemu.d/vfioctl";
  static final String GENERIC = "vfio-pci";

  private final Host host;
  private final Settings settings;
  private final Log log;
  private final OverrideEngine engine;
  private final VfioResolver vfio;
  private final DeviceLocator locator;
  private final LibvirtDetachedList libvirtList;

  /**
   * @param engine what detaches and reattaches (its settings give dry run, force and no-IOMMU)
   * @param vfio the best-fit resolution, shared with {@code engine}'s so modules.alias is read once
   */
  public DomainHandover(Host host, Settings settings, Log log, OverrideEngine engine, VfioResolver vfio) {
    this.host = host;
    this.settings = settings;
    this.log = log;
    this.engine = engine;
    this.vfio = vfio;
    this.locator = new DeviceLocator(host, settings);
    this.libvirtList = new LibvirtDetachedList(host);
  }

  /** The domain's devices as checked, and whether the guest can start. */
  public record Report(Domain domain, List<HostdevCheck> hostdevs) {
    /** Whether the guest can start: no device has a problem. */
    public boolean ok() {
      return hostdevs.stream().allMatch(h -> h.problems().isEmpty());
    }
  }

  public Report check(Domain domain) throws VfioctlException {
    return check(domain, true);
  }

  /**
   * As {@link #check(Domain)} for devices that no libvirt domain names (the Java API's address
   * lists): each gets its best-fit VFIO driver, and nothing is said of libvirt.
   */
  public Report checkDevices(List<PciAddress> addresses) throws VfioctlException {
    List<Hostdev> hostdevs = new ArrayList<>();
    addresses.forEach(a -> hostdevs.add(new Hostdev(a, false, Hostdev.Backend.VFIO, Optional.empty(), Optional.empty(),
        Hostdev.Source.HOSTDEV, 0)));
    return check(new Domain("(devices)", Optional.empty(), hostdevs, List.of()), false);
  }

  private Report check(Domain domain, boolean libvirt) throws VfioctlException {
    domain.strayChoices().forEach(c -> log.warn("line " + c.line() + ": vfioctl's metadata chooses "
        + Names.printable(c.driver()) + " for " + c.address() + ", which is no PCI host device of domain "
        + Names.printable(domain.name())));
    Set<String> vfioDevices = new LinkedHashSet<>();
    domain.hostdevs().stream().filter(Hostdev::isVfio).forEach(h -> vfioDevices.add(h.address().toString()));
    // Devices outside libvirt count as if the hook prepared them: only libvirt needs them detached first.
    boolean hook = !libvirt || host.files().exists(HOOK);
    List<HostdevCheck> checks = new ArrayList<>();
    StatusReader status = new StatusReader(host, settings);
    for (Hostdev h : domain.hostdevs()) {
      checks.add(check(h, vfioDevices, hook, libvirt, status));
    }
    return new Report(domain, checks);
  }

  private HostdevCheck check(Hostdev h, Set<String> vfioDevices, boolean hook, boolean libvirt, StatusReader status)
      throws VfioctlException {
    String address = h.address().toString();
    if (!h.isVfio()) {
      return new HostdevCheck(h, Optional.empty(), "", "", Optional.empty(), false, Optional.empty(), false,
          "skipped: <driver name='" + h.backend().name().toLowerCase() + "'/> is not VFIO", List.of(), List.of());
    }
    Optional<DevicePaths> paths = locator.locateIfPresent(address);
    if (paths.isEmpty()) {
      return new HostdevCheck(h, Optional.empty(), "", "", Optional.empty(), false, Optional.empty(), false, "none",
          List.of(Problem.of(Problem.Kind.DEVICE_MISSING, address, "no such device: " + address)), List.of());
    }
    List<String> notes = new ArrayList<>();
    String driver;
    String word;
    String why;
    if (h.model().isPresent()) {
      driver = driverOf(h.model().get());
      word = driver;
      why = "<driver model='" + h.model().get() + "'/>";
    } else if (h.metadataDriver().isPresent()) {
      driver = driverOf(h.metadataDriver().get());
      word = driver;
      why = "vfioctl's metadata";
    } else {
      VfioResolver.Resolution fit = vfio.resolve(paths.get());
      driver = fit.best().driver();
      word = TargetResolver.BEST_VFIO;
      why = fit.best().alias().isEmpty() ? "no vfio_pci alias matches: the generic driver"
          : "best fit: " + fit.best().alias() + " (" + fit.best().wildcards() + " wildcard fields)";
    }
    DeviceStatus now = status.read(paths.get(), vfioDevices);
    List<Problem> problems = new ArrayList<>(now.problems());
    boolean viable = now.iommuGroup().isPresent()
        && problems.stream().noneMatch(p -> p.kind() == Problem.Kind.GROUP_NOT_VIABLE);
    String action;
    boolean onDriver = now.vfioBound() && now.driver().equals(Optional.of(driver));
    if (h.managed()) {
      action = "libvirt binds it (managed='yes')";
      libvirtNotes(h, paths.get(), driver, notes);
    } else if (onDriver) {
      action = "none: already on " + driver;
    } else {
      action = "detach to " + driver;
      if (!hook) {
        problems.add(Problem.of(Problem.Kind.NOT_DETACHED, address, address + " is managed='no' but not on a VFIO"
            + " driver, and libvirt will not detach it: run 'vfioctl domain prepare' first, or install the qemu hook ("
            + HOOK + ")"));
      } else if (libvirt) {
        notes.add("the qemu hook detaches it when the guest starts");
      }
    }
    return new HostdevCheck(h, Optional.of(driver), word, why, now.driver(), now.vfioBound(), now.iommuGroup(), viable,
        action, problems, notes);
  }

  /** Where libvirt binds another driver than vfioctl chose. */
  private void libvirtNotes(Hostdev h, DevicePaths paths, String driver, List<String> notes) throws VfioctlException {
    Optional<String> listedBy = libvirtList.listedBy(h.address().toString());
    if (listedBy.isPresent()) {
      notes.add("libvirt still counts it as detached by hand since domain " + listedBy.get() + " (managed='no') stopped:"
          + " it will leave it on " + driver + " when this guest stops; restart libvirtd (or virtqemud) before starting"
          + " this guest");
    }
    if (!driver.equals(GENERIC)) {
      notes.add("libvirt 9 binds " + GENERIC + " to managed='yes' devices, not " + driver + "; with libvirt 9 use"
          + " managed='no' and let vfioctl prepare it");
    }
    if (h.model().isPresent()) {
      return;
    }
    String modalias = host.sysfs().read(paths.file("modalias")).orElse("");
    String libvirts = vfio.libvirtChoice(modalias).map(VfioResolver.Choice::driver).orElse(GENERIC);
    if (!libvirts.equals(driver)) {
      notes.add("libvirt 10 binds " + libvirts + " (fewest '*', then the first in modules.alias), not " + driver
          + ": add <driver model='" + driver + "'/> to the hostdev");
    }
  }

  /** A model or a metadata choice may name a module ({@code vfio_pci}); driver_override takes its driver. */
  private String driverOf(String name) {
    return name.contains("_") ? vfio.driverName(name) : name;
  }

  /**
   * Detaches every {@code managed='no'} VFIO device of the domain that is not on its driver yet,
   * as one transaction, and remembers them for {@link #release}.
   *
   * @return the devices detached
   */
  public List<String> prepare(Domain domain) throws VfioctlException {
    String key = PreparedDomains.key(domain.name(), domain.uuid());
    String what = "domain " + Names.printable(domain.name());
    // The devices first, the lists after: a prepare lists its devices before it moves them, so a
    // device found moved already is found listed too.
    boolean nothingToDetach = toDetach(check(domain), what).isEmpty();
    refuseShared(domain, key, preparedLists(domain));
    if (nothingToDetach) {
      return List.of(); // no lock taken: a guest without such devices never waits for vfioctl
    }
    if (settings.dryRun()) {
      List<OverrideEngine.Detachment> detach = toDetach(check(domain), what);
      engine.detachAll(detach);
      return detach.stream().map(OverrideEngine.Detachment::device).toList();
    }
    // Read, checked and written again under the lock: two guests prepared at once see each other.
    return engine.inSession(session -> {
      refuseShared(domain, key, preparedLists(domain));
      List<String> before = prepared(key, domain);
      List<OverrideEngine.Detachment> detach = toDetach(check(domain), what);
      List<String> detached = detach.stream().map(OverrideEngine.Detachment::device).toList();
      if (detached.isEmpty()) {
        return detached;
      }
      // Listed before anything moves, so that release finds every device a crash may leave
      // detached; release returns only those that do have a detach record.
      Set<String> all = new LinkedHashSet<>(before);
      all.addAll(detached);
      remember(key, domain, List.copyOf(all));
      try {
        session.detachAll(detach);
      } catch (VfioctlException | RuntimeException e) {
        try {
          remember(key, domain, before);
        } catch (VfioctlException again) {
          log.warn(again.getMessage());
        }
        throw e;
      }
      return detached;
    });
  }

  /** A VFIO device of the guest that prepare took for another domain: that guest has it. */
  private static void refuseShared(Domain domain, String key, List<PreparedDomains.Prepared> lists)
      throws VfioctlException {
    for (Hostdev h : domain.hostdevs()) {
      if (!h.isVfio() || h.managed()) {
        continue;
      }
      String device = h.address().toString();
      for (PreparedDomains.Prepared other : lists) {
        if (!other.key().equals(key) && other.devices().contains(device)) {
          throw new VfioctlException("cannot prepare domain " + Names.printable(domain.name()) + ": " + device
              + " is prepared for domain " + Names.printable(other.name()) + " (" + Host.DOMAINS_DIR + "/" + other.key()
              + "); shut that guest down first, or give the device to one guest only");
        }
      }
    }
  }

  private List<PreparedDomains.Prepared> preparedLists(Domain domain) throws VfioctlException {
    try {
      return host.domains().all();
    } catch (IOException e) {
      String file = e instanceof java.nio.file.FileSystemException f && f.getFile() != null
          && f.getFile().startsWith(Host.DOMAINS_DIR) ? f.getFile() : Host.DOMAINS_DIR;
      throw new VfioctlException("cannot read " + Names.printable(file) + ": " + IoErrors.describe(e) + "; it lists what"
          + " prepare detached for a guest: check it, or remove it and return those devices with 'vfioctl reattach',"
          + " before preparing " + Names.printable(domain.name()));
    }
  }

  /**
   * The problems prepare leaves to what it does: detach judges a device in use, held or without
   * an IOMMU group (refused unless {@code --force} or {@code --noiommu}), and a device not
   * detached yet is what prepare detaches. Any other (a missing device, a group that will not be
   * viable) refuses them all.
   */
  private static final Set<Problem.Kind> LEFT_TO_DETACH = EnumSet.of(Problem.Kind.IN_USE,
      Problem.Kind.HELD_BY_PROCESS, Problem.Kind.NO_IOMMU_GROUP, Problem.Kind.NOT_DETACHED);

  /**
   * The devices of a report to detach: its {@code managed='no'} VFIO devices not on their driver
   * yet, unless a problem refuses them all.
   */
  static List<OverrideEngine.Detachment> toDetach(Report report, String what) throws VfioctlException {
    List<OverrideEngine.Detachment> detach = new ArrayList<>();
    for (HostdevCheck c : report.hostdevs()) {
      if (!c.hostdev().isVfio() || c.hostdev().managed()) {
        continue;
      }
      Optional<Problem> blocking = c.found().stream().filter(p -> !LEFT_TO_DETACH.contains(p.kind())).findFirst();
      if (blocking.isPresent()) {
        throw new VfioctlException("cannot prepare " + what + ": " + blocking.get().text());
      }
      if (c.needsDetach()) {
        detach.add(new OverrideEngine.Detachment(c.hostdev().address().toString(), c.word()));
      }
    }
    return detach;
  }

  /**
   * As {@link #prepare(Domain)} for devices no domain names (the Java API's address lists):
   * each to its best-fit VFIO driver, as one transaction; {@code vfioctl reattach} (or the
   * API's release) returns them.
   *
   * @return the devices detached
   */
  public List<String> prepareDevices(List<PciAddress> addresses) throws VfioctlException {
    List<OverrideEngine.Detachment> detach = toDetach(checkDevices(addresses), "the devices");
    if (!detach.isEmpty()) {
      engine.detachAll(detach);
    }
    return detach.stream().map(OverrideEngine.Detachment::device).toList();
  }

  private List<String> prepared(String key, Domain domain) throws VfioctlException {
    try {
      return host.domains().read(key);
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + host.domains().displayPath(key) + ": " + IoErrors.describe(e)
          + "; it lists what prepare detached for domain " + Names.printable(domain.name()) + ": check it, or remove it"
          + " and return those devices with 'vfioctl reattach'");
    }
  }

  private void remember(String key, Domain domain, List<String> devices) throws VfioctlException {
    try {
      if (devices.isEmpty()) {
        host.domains().remove(key);
      } else {
        host.domains().write(key, domain.name(), devices);
      }
    } catch (IOException e) {
      throw new VfioctlException("cannot write " + host.domains().displayPath(key) + ": " + IoErrors.describe(e)
          + "; nothing of domain " + Names.printable(domain.name()) + " was changed");
    }
  }

  /**
   * Reattaches what {@link #prepare} detached for the domain, as one transaction, and forgets it.
   *
   * @return the devices reattached
   */
  public List<String> release(Domain domain) throws VfioctlException {
    String key = PreparedDomains.key(domain.name(), domain.uuid());
    if (prepared(key, domain).isEmpty()) {
      return List.of(); // nothing listed: no lock taken
    }
    if (settings.dryRun()) {
      List<String> present = listedAndDetached(key, domain);
      if (!present.isEmpty()) {
        engine.reattachAll(present);
      }
      return present;
    }
    // The list is read, acted on and removed under one lock, as prepare writes it.
    return engine.inSession(session -> {
      List<String> present = listedAndDetached(key, domain);
      if (!present.isEmpty()) {
        session.reattachAll(present);
        libvirtList.returned(key, domain, present, log);
      }
      try {
        host.domains().remove(key);
      } catch (IOException e) {
        log.warn("cannot remove " + host.domains().displayPath(key) + ": " + IoErrors.describe(e));
      }
      return present;
    });
  }

  /** The devices of the domain's list that are present and still have a detach record. */
  private List<String> listedAndDetached(String key, Domain domain) throws VfioctlException {
    List<String> present = new ArrayList<>();
    for (String d : prepared(key, domain)) {
      Optional<io.vfioctl.core.DevicePaths> paths = locator.locateIfPresent(d);
      if (paths.isEmpty()) {
        log.warn(d + " was prepared for " + Names.printable(domain.name()) + " but is gone");
      } else if (hasRecord(paths.get())) {
        present.add(d);
      } else {
        log.debug(d + " has no detach record (taken over since, or never detached): left as it is");
      }
    }
    return present;
  }

  private boolean hasRecord(io.vfioctl.core.DevicePaths paths) {
    try {
      return host.detached().read(paths.device()).isPresent();
    } catch (IOException e) {
      return true; // reattach names the bad record
    }
  }

}
