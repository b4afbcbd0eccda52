package io.vfioctl.host;

import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.RootSysfs;
import io.vfioctl.sysfs.SizeLimit;
import io.vfioctl.sysfs.Sysfs;
import io.vfioctl.sysfs.Watchdog;
import io.vfioctl.sysfs.WatchedSysfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything vfioctl touches on a machine, below one root: {@code sys} (through the
 * {@link Sysfs} port), {@code etc/driverctl.d}, {@code lib/modules}, {@code proc}, {@code run}.
 * Every file is reached through {@link #files()}, which keeps to the root. The real machine is
 * {@code Host.at(Path.of("/"))}; tests use a directory and a simulator.
 */
public final class Host {
  public static final String CONF_DIR = "/etc/driverctl.d";
  public static final String LOCK_FILE = "/run/vfioctl.lock";
  public static final String JOURNAL_DIR = "/run/vfioctl/journal";
  public static final String COMMITTED_DIR = "/run/vfioctl/committed";
  public static final String DETACHED_DIR = "/run/vfioctl/detached";
  public static final String DOMAINS_DIR = "/run/vfioctl/domains";
  public static final String OSRELEASE = "/proc/sys/kernel/osrelease";
  private static final SizeLimit RELEASE = SizeLimit.kib(4, "a kernel release");

  private final Path root;
  private final ConfinedRoot files;
  private final Sysfs sysfs;
  private final ModuleLoader modules;
  private final PersistedOverrides persisted;
  private final Journal journal;
  private final DetachedDevices detached;
  private final PreparedDomains domains;

  public Host(Path root, Sysfs sysfs, ModuleLoader modules) {
    this(root, sysfs, modules, new PersistedOverrides(new ConfinedRoot(root), CONF_DIR));
  }

  /** A host whose saved overrides are kept by {@code persisted} (tests inject faults there). */
  public Host(Path root, Sysfs sysfs, ModuleLoader modules, PersistedOverrides persisted) {
    this(root, sysfs, modules, persisted, new Journal(new ConfinedRoot(root), JOURNAL_DIR, COMMITTED_DIR));
  }

  /** A host whose saved overrides and journal are given (tests inject faults into both). */
  public Host(Path root, Sysfs sysfs, ModuleLoader modules, PersistedOverrides persisted, Journal journal) {
    this(root, new ConfinedRoot(root), sysfs, modules, persisted, journal);
  }

  private Host(Path root, ConfinedRoot files, Sysfs sysfs, ModuleLoader modules, PersistedOverrides persisted,
      Journal journal) {
    this.root = root;
    this.files = files;
    this.sysfs = sysfs;
    this.modules = modules;
    this.persisted = persisted;
    this.journal = journal;
    this.detached = new DetachedDevices(files, DETACHED_DIR);
    this.domains = new PreparedDomains(files, DOMAINS_DIR);
  }

  /** The machine below {@code root}; modules are only really loaded when the root is {@code /}. */
  public static Host at(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    boolean live = abs.getParent() == null;
    return new Host(abs, new RootSysfs(new ConfinedRoot(abs)), live ? new Modprobe() : new RecordedModules());
  }

  public Path root() {
    return root;
  }

  /** The files below the root, given as on the running system ({@code /etc/driverctl.d}). */
  public ConfinedRoot files() {
    return files;
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

  /** This host with a deadline on every sysfs access and every read of its other files ({@code /proc}). */
  public Host watched(Watchdog watchdog) {
    return new Host(root, files.watched(watchdog), new WatchedSysfs(sysfs, watchdog), modules, persisted, journal);
  }

  /** The changes in progress, for recovery after a crash. */
  public Journal journal() {
    return journal;
  }

  /** What {@code detach} took devices from, for {@code reattach}. */
  public DetachedDevices detached() {
    return detached;
  }

  /** What {@code domain prepare} detached for each domain. */
  public PreparedDomains domains() {
    return domains;
  }

  /** Takes the global lock ({@link #LOCK_FILE}), waiting while another call holds it. */
  public GlobalLock lock() throws IOException {
    return lock(Duration.ZERO, "", holder -> { });
  }

  /** As {@link #lock()}; see {@link GlobalLock#acquire(Path, Duration, String, Consumer)}. */
  public GlobalLock lock(Duration wait, String command, Consumer<String> waiting) throws IOException {
    return GlobalLock.acquire(files.resolve(LOCK_FILE), wait, command, waiting);
  }

  /** The running kernel's release, from {@link #OSRELEASE}; empty when there is no such file. */
  public Optional<String> kernelRelease() throws IOException {
    try {
      String release = new String(files.read(OSRELEASE, RELEASE), StandardCharsets.ISO_8859_1).strip();
      return release.isEmpty() ? Optional.empty() : Optional.of(release);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
