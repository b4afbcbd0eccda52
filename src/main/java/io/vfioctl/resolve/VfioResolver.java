package io.vfioctl.resolve;

import io.vfioctl.core.VfioctlException;
import io.vfioctl.core.IoErrors;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.HostAliases;
import io.vfioctl.core.Names;
import io.vfioctl.core.VfioAlias;
import io.vfioctl.core.VfioRanking;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.SizeLimit;
import io.vfioctl.sysfs.Sysfs;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names the VFIO driver that fits a device best among those the running kernel offers, from the
 * {@code vfio_pci:} aliases of its modules.alias (read once per instance), and says why.
 */
public final class VfioResolver {
  /** In-tree modules whose driver name is not simply the module name with _ turned into -. */
  private static final Map<String, String> KNOWN_DRIVER_NAMES = Map.of(
      "vfio_pci", "vfio-pci",
      "xe_vfio_pci", "xe-vfio-pci");
  private static final String GENERIC_DRIVER = "vfio-pci";
  /** Debian's is about 1.5 MB; a file far larger is not a modules.alias. */
  private static final SizeLimit MODULES_ALIAS = SizeLimit.mib(64, "a modules.alias");

  private final Host host;
  private final Map<String, VfioRanking.Result> rankings = new HashMap<>();
  /**
   * Per module, whether it is loaded and the driver it registers, looked up once a call (rows of
   * {@code rules check} ask for the same few modules again and again) until {@link #forgetModules}.
   */
  private final Map<String, Boolean> loaded = new HashMap<>();
  private final Map<String, Optional<String>> registered = new HashMap<>();
  private List<VfioAlias> aliases;
  /** modules.alias as read, kept for the host drivers' aliases, which few calls ask for. */
  private byte[] modulesAlias;
  private HostAliases hostAliases;
  private String kernel;

  public VfioResolver(Host host) {
    this.host = host;
  }

  /** One candidate as the user sees it. */
  public record Choice(String driver, String module, String alias, int wildcards, boolean loaded) {}

  /** The answer for one device. */
  public record Resolution(String device, String modalias, String kernel, List<Choice> candidates, boolean ambiguous,
      Optional<String> warning) {
    public Choice best() {
      return candidates.get(0);
    }

    /** Says so when the two best candidates could not be told apart. */
    public Optional<String> ambiguity() {
      if (!ambiguous) {
        return Optional.empty();
      }
      return Optional.of(device + ": " + candidates.get(0).module() + " and " + candidates.get(1).module()
          + " fit equally well; chose " + candidates.get(0).module() + " by name");
    }
  }

  public Resolution resolve(DevicePaths device) throws VfioctlException {
    return resolve(device, null);
  }

  /**
   * As {@link #resolve(DevicePaths)}, with what the device's {@code modalias} file held when the
   * caller read it (empty when it could not be read); null to read it now.
   */
  public Resolution resolve(DevicePaths device, Optional<String> modaliasRead) throws VfioctlException {
    DeviceName name = device.device();
    if (!name.bus().equals(DeviceName.PCI)) {
      throw new VfioctlException("vfio is for PCI devices; " + name.bus() + " device " + name
          + " needs a driver name instead (vfio-platform, for instance)");
    }
    Optional<String> read = modaliasRead != null ? modaliasRead : host.sysfs().read(device.file("modalias"));
    String modalias = read.filter(s -> !s.isEmpty()).orElseThrow(
        () -> new VfioctlException("device " + device.device() + " has no modalias, so no VFIO driver can be chosen; "
            + "force one with: vfioctl set-override " + device.device() + " vfio-pci"));
    return resolve(device.device().name(), modalias);
  }

  /** @param modalias the device's, which must be a PCI one ({@code pci:v...}) */
  public Resolution resolve(String device, String modalias) throws VfioctlException {
    if (!modalias.startsWith("pci:") || !Names.isPrintableAscii(modalias)) {
      throw new VfioctlException("device " + Names.printable(device) + " has modalias " + Names.printable(modalias)
          + ", not a PCI one, so no VFIO driver can be chosen; force one with: vfioctl set-override "
          + Names.printable(device) + " vfio-pci");
    }
    List<VfioAlias> all = aliases();
    // Hosts repeat devices (SR-IOV VFs, identical NICs): rank each distinct modalias once.
    VfioRanking.Result ranked = rankings.computeIfAbsent(modalias, m -> VfioRanking.rank(m, all));
    List<Choice> choices = new ArrayList<>();
    for (VfioRanking.Candidate c : ranked.candidates()) {
      choices.add(new Choice(driverName(c.module()), c.module(), c.alias().alias(), c.wildcards(), isLoaded(c.module())));
    }
    Optional<String> warning = Optional.empty();
    if (choices.isEmpty()) {
      warning = Optional.of("no vfio_pci alias in " + aliasFile(kernel) + " matches " + device
          + " (kernel " + kernel + " has no generic vfio_pci alias); falling back to " + GENERIC_DRIVER);
      choices.add(new Choice(GENERIC_DRIVER, VfioAlias.GENERIC_MODULE, "", 7, isLoaded(VfioAlias.GENERIC_MODULE)));
    }
    return new Resolution(device, modalias, kernel, choices, ranked.ambiguous(), warning);
  }

  /**
   * What libvirt 10 binds to a {@code managed='yes'} hostdev without {@code <driver model>}: the
   * matching {@code vfio_pci:} alias with the fewest {@code *}, the first in modules.alias on a
   * tie (not vfioctl's ranking, which breaks ties by what the fixed fields mean). Empty when no
   * alias matches (libvirt then binds vfio-pci).
   */
  public Optional<Choice> libvirtChoice(String modalias) throws VfioctlException {
    String subject = modalias.startsWith("pci:") ? modalias.substring(4) : modalias;
    VfioAlias best = null;
    long fewest = Long.MAX_VALUE;
    for (VfioAlias a : aliases()) {
      long stars = a.alias().chars().filter(c -> c == '*').count();
      if (stars < fewest && a.matches(subject)) {
        best = a;
        fewest = stars;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    return Optional.of(new Choice(driverName(best.module()), best.module(), best.alias(), (int) fewest,
        isLoaded(best.module())));
  }

  /**
   * A host (not VFIO) driver module that could claim a device of this modalias: one whose
   * {@code pci:} alias in modules.alias or modules.builtin.alias matches it. Empty when none
   * could; unknown (an exception) when modules.alias cannot be read.
   */
  public Optional<String> hostDriverFor(String modalias) throws VfioctlException {
    aliases();
    if (hostAliases == null) {
      String builtin = aliasFile(kernel).replace("/modules.alias", "/modules.builtin.alias");
      byte[] text = modulesAlias;
      if (host.files().exists(builtin)) {
        byte[] more = read(builtin);
        text = Arrays.copyOf(modulesAlias, modulesAlias.length + 1 + more.length);
        text[modulesAlias.length] = '\n';
        System.arraycopy(more, 0, text, modulesAlias.length + 1, more.length);
      }
      hostAliases = HostAliases.index(text);
    }
    return hostAliases.moduleFor(modalias);
  }

  /** Reads modules.alias now, failing with a message that names it when it cannot be read. */
  public void requireAliases() throws VfioctlException {
    aliases();
  }

  private List<VfioAlias> aliases() throws VfioctlException {
    if (aliases == null) {
      kernel = kernelRelease();
      String file = aliasFile(kernel);
      modulesAlias = read(file);
      aliases = VfioAlias.parseAll(modulesAlias, VfioAlias.PREFIX);
    }
    return aliases;
  }

  private byte[] read(String file) throws VfioctlException {
    try {
      return host.files().read(file, MODULES_ALIAS);
    } catch (NoSuchFileException e) {
      throw new VfioctlException("cannot read " + file + " (kernel " + kernel + "): no such file; run depmod " + kernel
          + ", or force a driver with set-override <device> vfio-pci");
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + file + " (kernel " + kernel + "): " + IoErrors.describe(e));
    }
  }

  private String kernelRelease() throws VfioctlException {
    String where = Host.OSRELEASE + " under " + host.root();
    try {
      return host.kernelRelease().orElseThrow(() -> new VfioctlException("cannot read the kernel release from " + where));
    } catch (IOException e) {
      throw new VfioctlException("cannot read the kernel release from " + where + ": " + IoErrors.describe(e));
    }
  }

  private String aliasFile(String release) {
    String lib = "/lib/modules/" + release + "/modules.alias";
    String usr = "/usr" + lib;
    return !host.files().exists(lib) && host.files().exists(usr) ? usr : lib;
  }

  private boolean isLoaded(String module) {
    Boolean known = loaded.get(module);
    if (known == null) {
      known = host.sysfs().exists("/sys/module/" + module);
      loaded.put(module, known);
    }
    return known;
  }

  /** Forgets which modules are loaded and what they register: one was loaded just now. */
  public void forgetModules() {
    loaded.clear();
    registered.clear();
  }

  /**
   * The PCI driver a loaded module has registered, from {@code /sys/module/<mod>/drivers/pci:<name>};
   * a name that could not be a driver's (in a hostile root) is passed over.
   */
  public Optional<String> registeredDriver(String module) {
    Optional<String> known = registered.get(module);
    if (known == null) {
      known = Optional.empty();
      for (String entry : host.sysfs().list("/sys/module/" + module + "/drivers")) {
        if (entry.startsWith("pci:") && Names.isComponent(entry.substring(4))) {
          known = Optional.of(entry.substring(4));
          break;
        }
      }
      registered.put(module, known);
    }
    return known;
  }

  /**
   * The driver a module registers: authoritative from {@code /sys/module/<mod>/drivers} once
   * loaded; otherwise a registered driver named like the module, a known exception, or the
   * module name itself.
   */
  public String driverName(String module) {
    Optional<String> registered = registeredDriver(module);
    if (registered.isPresent()) {
      return registered.get();
    }
    Sysfs sysfs = host.sysfs();
    for (String name : List.of(module, module.replace('_', '-'))) {
      if (sysfs.exists(DevicePaths.driversDir("pci") + "/" + name)) {
        return name;
      }
    }
    return KNOWN_DRIVER_NAMES.getOrDefault(module, module);
  }

}
