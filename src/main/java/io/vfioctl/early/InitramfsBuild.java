package io.vfioctl.early;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.VfioAlias;
import io.vfioctl.core.VfioRanking;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.host.EarlyRecord;
import io.vfioctl.host.Host;
import io.vfioctl.host.InitramfsBuilds;
import io.vfioctl.inuse.DeviceUse;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.rules.FactsReader;
import io.vfioctl.rules.Rule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code vfioctl initramfs} makes for an initramfs hook, for the kernel being built (not the
 * running one): the modules to copy (with their dependencies, by the hook) and the early script,
 * or nothing at all when no saved override or rule would take a device. It refuses, in one line,
 * to make an initramfs that takes the root disk's controller or the boot VGA device with a
 * console, unless the rule that selects it says {@code Force=yes}; and it records the build in
 * {@link InitramfsBuilds}.
 */
public final class InitramfsBuild {
  /** Added whenever something is taken, when the kernel has them as modules. */
  private static final List<String> BASE_MODULES = List.of("vfio", "vfio_pci_core", "vfio_pci", "vfio_iommu_type1",
      "iommufd");
  public static final List<String> BUILDERS = List.of("initramfs-tools", "dracut");

  private final Host host;

  public InitramfsBuild(Host host) {
    this.host = host;
  }

  /**
   * @param script the early script, empty when nothing is taken (the hook then adds nothing)
   * @param warnings a line for each rule file that is void or cannot be read
   */
  public record Result(Optional<String> script, List<String> modules, List<String> warnings) {}

  public Result build(String builder, String kernel) throws VfioctlException {
    Selection sel;
    try {
      sel = Selection.read(host);
    } catch (IOException e) {
      throw new VfioctlException("cannot read the saved overrides: " + IoErrors.describe(e));
    }
    List<String> warnings = sel.rules().errors();
    Result result = sel.takesNothing() ? new Result(Optional.empty(), List.of(), warnings)
        : compile(sel, builder, kernel, warnings);
    try {
      new InitramfsBuilds(host.files()).write(kernel, builder, sel.digest(), System.currentTimeMillis());
    } catch (IOException e) {
      throw new VfioctlException("cannot write " + InitramfsBuilds.DIR + "/" + kernel + ": " + IoErrors.describe(e));
    }
    return result;
  }

  private Result compile(Selection sel, String builder, String kernel, List<String> warnings)
      throws VfioctlException {
    TargetKernel target = TargetKernel.read(host, kernel);
    Set<String> chosen = new LinkedHashSet<>(List.of(VfioAlias.GENERIC_MODULE));
    DeviceUse use = new DeviceUse(host);
    VfioResolver names = new VfioResolver(host);
    for (FactsReader.Device d : new FactsReader(host, DeviceName.PCI, names).read(sel.rules().keysUsed(), Map.of())) {
      Optional<Selection.Pick> pick = sel.pick(d);
      if (pick.isEmpty()) {
        continue;
      }
      DevicePaths paths = DevicePaths.of(new DeviceName(DeviceName.PCI, d.address()), Optional.empty());
      refuseBootDevice(paths, pick.get(), use);
      if (pick.get().word().equals("vfio")) {
        host.sysfs().read(paths.file("modalias")).filter(m -> m.startsWith("pci:"))
            .map(m -> VfioRanking.rank(m, target.aliases).candidates())
            .filter(c -> !c.isEmpty()).ifPresent(c -> chosen.add(c.get(0).module()));
      }
    }
    Map<String, String> moduleOfDriver = new LinkedHashMap<>();
    List<String> words = new ArrayList<>(sel.overrides().values());
    sel.rules().rules().forEach(r -> words.add(r.driver()));
    for (String word : words) {
      for (String module : List.of(word.replace('-', '_'), word)) {
        if (!word.equals("vfio") && !word.equals(Rule.NONE) && target.has(module)) {
          moduleOfDriver.put(word, module);
          chosen.add(module);
          break;
        }
      }
    }
    Map<String, String> driverOfModule = new LinkedHashMap<>();
    chosen.forEach(m -> driverOfModule.put(m, names.driverName(m)));
    List<VfioAlias> ranked = VfioRanking.byFit(target.aliases.stream().filter(a -> chosen.contains(a.module()))
        .toList());
    Set<String> modules = new LinkedHashSet<>(BASE_MODULES);
    modules.addAll(chosen);
    modules.removeIf(m -> !target.loadable(m));
    String script = EarlyScript.of(sel, kernel, builder, ranked, driverOfModule, moduleOfDriver);
    return new Result(Optional.of(script), List.copyOf(modules), warnings);
  }

  /** The machine would not come up: a line that names the device, why, and what to do. */
  private static void refuseBootDevice(DevicePaths device, Selection.Pick pick, DeviceUse use)
      throws VfioctlException {
    List<String> uses = pick.bootUses(device, use);
    if (uses.isEmpty()) {
      return;
    }
    String address = device.device().name();
    String by = pick.source().equals(EarlyRecord.BY_OVERRIDE)
        ? "its saved override (/etc/driverctl.d/pci-" + address + ")"
        : "rule " + pick.rule().get().where();
    String what = pick.source().equals(EarlyRecord.BY_OVERRIDE)
        ? "remove it (vfioctl unset-override " + address + ") and bind it by a rule with Force=yes to take it anyway"
        : "narrow the rule, or add Force=yes to its [Bind] section to take it anyway";
    throw new VfioctlException(address + ": the initramfs would bind it to " + pick.word() + " by " + by + ", but "
        + uses.get(0) + "; not building it: " + what);
  }

}
