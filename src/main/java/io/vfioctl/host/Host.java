package io.vfioctl.host;

import io.vfioctl.sysfs.RootSysfs;
import io.vfioctl.sysfs.Sysfs;
import io.vfioctl.sysfs.Watchdog;
import io.vfioctl.sysfs.WatchedSysfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything vfioctl touches on a machine, below one root: {@code sys} (through the
 * {@link Sysfs} port), {@code etc/driverctl.d}, {@code lib/modules}, {@code proc}, {@code run}.
 * The real machine is {@code Host.at(Path.of("/"))}; tests use a directory and a simulator.
 */
public final class Host {
  public static final String CONF_DIR = "/etc/driverctl.d";

  private final Path root;
  private final Sysfs sysfs;
  private final ModuleLoader modules;
  private final PersistedOverrides persisted;
  private final Journal journal;

  public Host(Path root, Sysfs sysfs, ModuleLoader modules) {
    this(root, sysfs, modules, new PersistedOverrides(root.resolve(CONF_DIR.substring(1)), CONF_DIR));
  }

  /** A host whose saved overrides are kept by {@code persisted} (tests inject faults there). */
  public Host(Path root, Sysfs sysfs, ModuleLoader modules, PersistedOverrides persisted) {
    this.root = root;
    this.sysfs = sysfs;
    this.modules = modules;
    this.persisted = persisted;
    this.journal = new Journal(path("/run/vfioctl/journal"));
  }

  /** The machine below {@code root}; modules are only really loaded when the root is {@code /}. */
  public static Host at(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    boolean live = abs.getParent() == null;
    return new Host(abs, new RootSysfs(abs), live ? new Modprobe() : new RecordedModules());
  }

  public Path root() {
    return root;
  }

  public Sysfs sysfs() {
    return sysfs;
  }

  public ModuleLoader modules() {
    return modules;
  }

  public PersistedOverrides persisted() {
    return persisted;
  }

  /** A path below the root, given as on the running system ({@code /etc/driverctl.d}). */
  public Path path(String absolute) {
    return root.resolve(absolute.substring(1));
  }

  /** This host with a deadline on every sysfs access. */
  public Host watched(Watchdog watchdog) {
    return new Host(root, new WatchedSysfs(sysfs, watchdog), modules, persisted);
  }

  /** The changes in progress, for recovery after a crash. */
  public Journal journal() {
    return journal;
  }

  public Path lockFile() {
    return path("/run/vfioctl.lock");
  }

  /** The running kernel's release, from {@code proc/sys/kernel/osrelease} under the root. */
  public Optional<String> kernelRelease() {
    try {
      String release = Files.readString(path("/proc/sys/kernel/osrelease"), StandardCharsets.UTF_8).strip();
      return release.isEmpty() ? Optional.empty() : Optional.of(release);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
