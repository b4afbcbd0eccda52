package io.vfioctl.rules;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.PciAddress;
import io.vfioctl.core.GroupMember;
import io.vfioctl.core.Text;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.device.Sriov;
import io.vfioctl.host.Host;
import io.vfioctl.resolve.Target;
import io.vfioctl.resolve.TargetResolver;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Reads from sysfs the facts of every device of a bus that the rules ask about, and no more. */
public final class FactsReader {
  private static final int KEYS = MatchKey.values().length;
  private final Host host;
  private final String bus;
  private final Sriov sriov;
  private final PfFacts pfs;
  /** The IDs of each modalias met, parsed once: a card's VFs share one. Read by both scan threads. */
  private final Map<String, String[]> idsByModalias = new ConcurrentHashMap<>();
  /** Each default host driver found, by modalias; modules.alias is read at the first. */
  private final Map<String, Optional<DefaultDriver>> defaultDrivers = new HashMap<>();
  private final Function<String, Optional<DefaultDriver>> modules;

  /** @param vfio the call's resolver, which finds a device's default host driver in modules.alias */
  public FactsReader(Host host, String bus, VfioResolver vfio) {
    this(host, bus, fromModules(vfio));
  }

  /** @param modules finds the default host driver of a modalias; see {@link #fromModules} */
  FactsReader(Host host, String bus, Function<String, Optional<DefaultDriver>> modules) {
    this.host = host;
    this.bus = bus;
    this.sriov = new Sriov(host);
    this.pfs = new PfFacts(host, bus, sriov);
    this.modules = modules;
  }

  /**
   * The default host driver of a modalias from the running kernel's modules.alias, read at the
   * first call; nothing when that cannot be read.
   */
  static Function<String, Optional<DefaultDriver>> fromModules(VfioResolver resolver) {
    return modalias -> {
      try {
        return resolver.hostDriverFor(modalias)
            .map(m -> new DefaultDriver(m, resolver.registeredDriver(m).orElse("")));
      } catch (VfioctlException e) { // no modules.alias: not known, so no value names it
        return Optional.empty();
      }
    };
  }

  /**
   * Every device of the bus, whose facts are read when first asked for: matching reads a device's
   * facts only as far as the rules look at them.
   *
   * @param keys the keys the rules use
   * @param hostDrivers each device's host driver from before a rule took it, by address
   */
  public List<Device> read(Set<MatchKey> keys, Map<String, String> hostDrivers) {
    List<Device> overridable = new ArrayList<>();
    for (Device d : readAll(keys, hostDrivers)) {
      if (d.overridable()) {
        overridable.add(d);
      }
    }
    return overridable;
  }

  /**
   * As {@link #read}, but with the devices that have no {@code driver_override} too, to be told
   * apart by {@link Device#overridable} when it matters: most devices match no rule, and for
   * them it never does.
   */
  public List<Device> readAll(Set<MatchKey> keys, Map<String, String> hostDrivers) {
    Sysfs sysfs = host.sysfs();
    boolean sriovNeeded = keys.stream().anyMatch(MatchKey::needsSriov);
    List<Device> all = new ArrayList<>();
    String devices = DevicePaths.devicesDir(bus);
    for (String name : sysfs.list(devices)) {
      if (PciAddress.isValid(name)) {
        all.add(new Device(name, devices + "/" + name, keys, sriovNeeded, hostDrivers.get(name)));
      }
    }
    return all;
  }

  /**
   * The IOMMU groups of {@code devices} (by address) for a caller that changes nothing while it
   * looks: a member it holds is taken as read, and a group listed in the scan is not listed again.
   */
  static IommuGroups groups(Host host, Map<String, Device> devices) {
    Map<String, List<String>> listed = new HashMap<>();
    for (Device d : devices.values()) {
      if (d.groupMembers != null) {
        d.groupLink.ifPresent(id -> listed.put(id, d.groupMembers));
      }
    }
    return new IommuGroups(host, address -> {
      Device d = devices.get(address);
      return d == null ? null : d.member();
    }, listed::get);
  }

  /** The host driver whose {@code pci:} alias matches {@code modalias}, looked up once per modalias. */
  private synchronized Optional<DefaultDriver> defaultDriverOf(String modalias) {
    return defaultDrivers.computeIfAbsent(modalias, modules);
  }

  /** One device's facts, each read from sysfs once, when first asked for. */
  public final class Device implements Facts {
    private final String address;
    /** Its bus link, and where that leads once asked ({@link #dir}). */
    private final String link;
    private String dir;
    private final Set<MatchKey> keys;
    private final boolean sriovNeeded;
    private final String before;
    /** Each ID read so far, by {@link MatchKey#ordinal}. */
    private final String[] ids = new String[KEYS];
    /** The modalias file as read (empty when it could not be), null before: one read for all five IDs. */
    private Optional<String> modalias;
    private boolean idsParsed;
    private List<String> drivers;
    private Optional<String> bound;
    private Boolean overridable;
    private Boolean vfioDev;
    private Optional<String> groupLink;
    private List<String> groupMembers;
    private Optional<DefaultDriver> defaultDriver;
    private Optional<String> physfn;
    private OptionalInt vfIndex;
    private List<String> pfInterfaces;

    private Device(String address, String link, Set<MatchKey> keys, boolean sriovNeeded, String before) {
      this.address = address;
      this.link = link;
      this.keys = keys;
      this.sriovNeeded = sriovNeeded;
      this.before = before;
    }

    /** All its facts that the rules ask about, read now. */
    public DeviceFacts facts() {
      return new DeviceFacts(address, vendor(), device(), subsystemVendor(), subsystemDevice(), classCode(),
          drivers(), numaNode(), physfn(), vfIndex(), pfInterfaces(), defaultDriver());
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public String vendor() {
      return id(MatchKey.VENDOR, "vendor");
    }

    @Override
    public String device() {
      return id(MatchKey.DEVICE, "device");
    }

    @Override
    public String subsystemVendor() {
      return id(MatchKey.SUBSYSTEM_VENDOR, "subsystem_vendor");
    }

    @Override
    public String subsystemDevice() {
      return id(MatchKey.SUBSYSTEM_DEVICE, "subsystem_device");
    }

    @Override
    public String classCode() {
      return id(MatchKey.CLASS, "class");
    }

    @Override
    public String numaNode() {
      if (!keys.contains(MatchKey.NUMA_NODE)) {
        return "";
      }
      String node = ids[MatchKey.NUMA_NODE.ordinal()];
      if (node == null) {
        node = host.sysfs().read(dir() + "/numa_node").orElse("").strip();
        ids[MatchKey.NUMA_NODE.ordinal()] = node;
      }
      return node;
    }

    /** Where its files are, its bus link followed once (in the thread that reads it first). */
    private String dir() {
      if (dir == null) {
        dir = DeviceDirs.realDir(host.sysfs(), link);
      }
      return dir;
    }

    /** Whether it has a {@code driver_override}: only such devices are driverctl's and the rules'. */
    public boolean overridable() {
      if (overridable == null) {
        overridable = host.sysfs().exists(dir() + "/driver_override");
      }
      return overridable;
    }

    /** Its {@code iommu_group} link's last component, read once. */
    public Optional<String> groupLink() {
      if (groupLink == null) {
        groupLink = host.sysfs().linkName(dir() + "/iommu_group");
      }
      return groupLink;
    }

    /** The members of its IOMMU group by name, listed once; empty without a group. */
    public List<String> groupMembers() {
      if (groupMembers == null) {
        Optional<String> id = groupLink().filter(g -> Text.isDigits(g, 10));
        groupMembers = id.isPresent() ? IommuGroups.memberNames(host.sysfs(), id.get()) : List.of();
      }
      return groupMembers;
    }

    /** It as a member of its IOMMU group, from what was read of it (its class from modalias). */
    public GroupMember member() {
      parseIds();
      String classCode = ids[MatchKey.CLASS.ordinal()];
      String classText = classCode != null ? "0x" + classCode : host.sysfs().read(dir() + "/class").orElse("");
      return new GroupMember(address, bound(), hasVfioDev(), GroupMember.isBridgeClass(classText));
    }

    /** Where its files are: the directory its bus link leads to, found once. */
    public DevicePaths paths() {
      return new DevicePaths(new DeviceName(bus, address), dir());
    }

    /** The driver bound to it now, read once. */
    public Optional<String> bound() {
      if (bound == null) {
        bound = host.sysfs().linkName(dir() + "/driver");
      }
      return bound;
    }

    @Override
    public List<String> drivers() {
      if (drivers == null) {
        List<String> found = new ArrayList<>(2);
        bound().ifPresent(found::add);
        if (before != null && !before.isEmpty() && !found.contains(before)) {
          found.add(before);
        }
        drivers = List.copyOf(found);
      }
      return drivers;
    }

    @Override
    public Optional<DefaultDriver> defaultDriver() {
      if (defaultDriver == null) {
        defaultDriver = Optional.empty();
        if (keys.contains(MatchKey.DRIVER) && (before == null || before.isEmpty()) && !hostDriverBound()) {
          String m = modalias().orElse("");
          if (m.startsWith("pci:")) {
            defaultDriver = defaultDriverOf(m);
          }
        }
      }
      return defaultDriver;
    }

    /** Whether a driver other than a VFIO one is bound to it now; see {@link io.vfioctl.device.Bindings#hostDriver}. */
    public boolean hostDriverBound() {
      Optional<String> driver = bound();
      return driver.isPresent() && !GroupMember.isVfioDriver(driver.get()) && !hasVfioDev();
    }

    /** Whether it has the {@code vfio-dev} directory a VFIO driver gives it, looked at once. */
    private boolean hasVfioDev() {
      if (vfioDev == null) {
        vfioDev = host.sysfs().exists(dir() + "/vfio-dev");
      }
      return vfioDev;
    }

    @Override
    public Optional<String> physfn() {
      if (physfn == null) {
        physfn = sriovNeeded ? sriov.physfn(dir()) : Optional.empty();
      }
      return physfn;
    }

    @Override
    public OptionalInt vfIndex() {
      if (vfIndex == null) {
        vfIndex = physfn().isPresent() ? pfs.indexAmongVfs(physfn().get(), address) : OptionalInt.empty();
      }
      return vfIndex;
    }

    @Override
    public List<String> pfInterfaces() {
      if (pfInterfaces == null) {
        pfInterfaces = physfn().isPresent() ? pfs.interfacesOf(physfn().get()) : List.of();
      }
      return pfInterfaces;
    }

    /** The five IDs from its modalias, once (they stay unknown when it is not of the kernel's form). */
    private void parseIds() {
      if (idsParsed) {
        return;
      }
      idsParsed = true;
      Optional<String> read = modalias();
      if (read.isPresent()) {
        String[] parsed = idsByModalias.get(read.get());
        if (parsed == null) {
          parsed = new String[ModaliasIds.COUNT];
          ModaliasIds.parse(read.get(), parsed);
          idsByModalias.put(read.get(), parsed);
        }
        System.arraycopy(parsed, 0, ids, 0, ModaliasIds.COUNT);
      }
    }

    /** Its modalias, when the five IDs were read from it (see {@link ModaliasIds}). */
    @Override
    public String idsKey() {
      parseIds();
      return ids[MatchKey.VENDOR.ordinal()] != null ? modalias().orElse(null) : null;
    }

    /**
     * What {@code word} resolves to for it, with its modalias as read here, which the best fit
     * needs: not read again.
     */
    public Target target(TargetResolver targets, String word) throws VfioctlException {
      return targets.resolve(paths(), word, word.equals(TargetResolver.BEST_VFIO) ? modalias() : null);
    }

    /** Its {@code modalias} file's content, read once (empty when it cannot be read). */
    public Optional<String> modalias() {
      if (modalias == null) {
        modalias = host.sysfs().read(dir() + "/modalias");
      }
      return modalias;
    }

    private String id(MatchKey key, String file) {
      if (!keys.contains(key)) {
        return "";
      }
      parseIds();
      String id = ids[key.ordinal()];
      if (id == null) { // no modalias, or one vfioctl cannot read: the ID's own file
        id = host.sysfs().read(dir() + "/" + file).map(DeviceFacts::id).orElse("");
        ids[key.ordinal()] = id;
      }
      return id;
    }
  }
}
