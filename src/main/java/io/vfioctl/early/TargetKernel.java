package io.vfioctl.early;

import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Names;
import io.vfioctl.core.VfioAlias;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.SizeLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The kernel an initramfs is built for, which need not be the running one: its
 * {@code vfio_pci:} aliases, and which modules it has, loadable ({@code modules.dep}) or built in
 * ({@code modules.builtin}), from {@code /lib/modules/<version>} (or {@code /usr/lib/modules}).
 * A module it does not have is never named to the hook: a stale name such as {@code vfio_virqfd}
 * (merged into {@code vfio} in 6.2) has hung boots.
 */
final class TargetKernel {
  private static final SizeLimit MODULES_FILE = SizeLimit.mib(64, "a modules list");

  final String version;
  final List<VfioAlias> aliases;
  private final Set<String> loadable;
  private final Set<String> builtin;

  private TargetKernel(String version, List<VfioAlias> aliases, Set<String> loadable, Set<String> builtin) {
    this.version = version;
    this.aliases = aliases;
    this.loadable = loadable;
    this.builtin = builtin;
  }

  static TargetKernel read(Host host, String version) throws VfioctlException {
    String dir = "/lib/modules/" + version;
    if (!host.files().exists(dir + "/modules.dep") && host.files().exists("/usr" + dir + "/modules.dep")) {
      dir = "/usr" + dir;
    }
    List<VfioAlias> aliases = VfioAlias.parseAll(read(host, dir + "/modules.alias", version, true));
    return new TargetKernel(version, aliases, names(read(host, dir + "/modules.dep", version, true), true),
        names(read(host, dir + "/modules.builtin", version, false), false));
  }

  /** Whether the module is there to be copied into the initramfs. */
  boolean loadable(String module) {
    return loadable.contains(module);
  }

  /** Whether the kernel has the module, loadable or built in. */
  boolean has(String module) {
    return loadable.contains(module) || builtin.contains(module);
  }

  /** The module names of a modules.dep (the part before each {@code :}) or modules.builtin. */
  private static Set<String> names(String text, boolean dep) {
    Set<String> names = new HashSet<>();
    for (String line : text.split("\n")) {
      String path = dep ? line.substring(0, Math.max(line.indexOf(':'), 0)) : line.strip();
      String file = path.substring(path.lastIndexOf('/') + 1);
      int ko = file.indexOf(".ko");
      if (ko > 0) {
        String name = file.substring(0, ko).replace('-', '_');
        if (Names.isModuleName(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  private static String read(Host host, String file, String version, boolean required) throws VfioctlException {
    try {
      return new String(host.files().read(file, MODULES_FILE), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      if (!required) {
        return "";
      }
      throw new VfioctlException("cannot read " + file + " (kernel " + version + "): no such file; run depmod "
          + version + " first");
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + file + " (kernel " + version + "): " + IoErrors.describe(e));
    }
  }
}
