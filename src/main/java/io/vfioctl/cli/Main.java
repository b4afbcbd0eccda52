package io.vfioctl.cli;

import io.vfioctl.core.DeviceType;
import io.vfioctl.host.Host;
import io.vfioctl.host.PersistedOverrides;
import io.vfioctl.ops.DeviceInfo;
import io.vfioctl.ops.Inventory;
import io.vfioctl.ops.OverrideEngine;
import io.vfioctl.ops.Settings;
import io.vfioctl.ops.TargetResolver;
import io.vfioctl.ops.VfioResolver;
import io.vfioctl.ops.VfioctlException;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The vfioctl command: parses the command line, runs one command, maps failures to exit codes. */
public final class Main {
  static final String PREFIX = "vfioctl: ";
  static final String VERSION = "0.1.0";

  private final Map<String, String> env;
  private final Function<Path, Host> hosts;

  /**
   * @param env the environment ({@code VFIOCTL_ROOT}, and udev's {@code SUBSYSTEM} and {@code DEVPATH})
   * @param hosts the machine below a root; {@link Host#at} for the real one
   */
  public Main(Map<String, String> env, Function<Path, Host> hosts) {
    this.env = env;
    this.hosts = hosts;
  }

  public static void main(String[] args) {
    PrintStream out = stream(FileDescriptor.out);
    PrintStream err = stream(FileDescriptor.err);
    int rc = new Main(System.getenv(), Host::at).run(out, err, args);
    out.flush();
    err.flush();
    System.exit(rc);
  }

  private static PrintStream stream(FileDescriptor fd) {
    return new PrintStream(new BufferedOutputStream(new FileOutputStream(fd), 1 << 16), false, StandardCharsets.UTF_8);
  }

  /** Runs one command; returns the exit code. Nothing is printed to System.out/err directly. */
  public int run(PrintStream out, PrintStream err, String... args) {
    Options options;
    try {
      options = CommandLineParser.parse(args);
    } catch (UsageException e) {
      return usageError(out, err, e.getMessage());
    }
    if (options.help()) {
      out.print(Usage.TEXT);
      return 0;
    }
    if (options.version()) {
      out.println("vfioctl " + VERSION);
      return 0;
    }
    if (options.command().isEmpty()) {
      out.print(Usage.TEXT);
      return 1;
    }
    Optional<Command> command = Command.byWord(options.command().get());
    if (command.isEmpty()) {
      return usageError(out, err, "unknown command: " + options.command().get());
    }
    Command c = command.get();
    int n = options.arguments().size();
    if (n < c.minArgs || n > c.maxArgs) {
      return usageError(out, err, c.word + " takes " + c.argsText);
    }
    try {
      checkOptionsFit(c, options);
      return execute(c, options, out, err);
    } catch (UsageException e) {
      return usageError(out, err, e.getMessage());
    } catch (VfioctlException e) {
      err.println(PREFIX + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      err.println(PREFIX + "internal error: " + e + (options.verbose() ? "" : " (run with --verbose for details)"));
      if (options.verbose()) {
        e.printStackTrace(err);
      }
      return 70;
    }
  }

  private static int usageError(PrintStream out, PrintStream err, String message) {
    err.println(PREFIX + message);
    out.print(Usage.TEXT);
    return 1;
  }

  private static void checkOptionsFit(Command c, Options o) throws UsageException {
    if (o.all() && c != Command.VFIO_DRIVER) {
      throw new UsageException("--all goes with vfio-driver");
    }
    if (o.vfio() && c != Command.LIST_DEVICES && c != Command.LIST_OVERRIDES) {
      throw new UsageException("--vfio goes with list-devices and list-overrides");
    }
    if (o.dryRun() && !c.changesBindings()) {
      throw new UsageException("--dry-run goes with set-override, unset-override and load-override");
    }
  }

  private int execute(Command c, Options o, PrintStream out, PrintStream err) throws VfioctlException {
    Host host = hosts.apply(Path.of(o.root().or(() -> nonEmpty(env.get("VFIOCTL_ROOT"))).orElse("/")));
    String bus = o.bus().orElseGet(() -> nonEmpty(env.get("SUBSYSTEM")).orElse("pci"));
    Settings settings = new Settings(bus, !o.noProbe(), !o.noSave(), o.dryRun(), nonEmpty(env.get("DEVPATH")));
    CliLog log = new CliLog(out, err, o.verbose(), o.dryRun());
    List<String> a = o.arguments();
    switch (c) {
      case SET_OVERRIDE -> engine(host, settings, log).set(a.get(0), a.get(1));
      case UNSET_OVERRIDE -> engine(host, settings, log).unset(a.get(0));
      case LOAD_OVERRIDE -> {
        if (!engine(host, settings, log).load(a.get(0))) {
          return 1;
        }
      }
      case LIST_DEVICES, LIST_OVERRIDES -> listDevices(host, bus, c == Command.LIST_OVERRIDES, o, out);
      case LIST_PERSISTED -> listPersisted(host, bus, o, out);
      case VFIO_DRIVER -> VfioDriverCommand.run(engine(host, settings, log), new VfioResolver(host), a.get(0), o, out, log);
    }
    return 0;
  }

  private static OverrideEngine engine(Host host, Settings settings, CliLog log) {
    return new OverrideEngine(host, settings, log, new TargetResolver(host));
  }

  /** The best VFIO driver of a listed device, or empty when it cannot be told. */
  private static Optional<String> bestVfio(VfioResolver resolver, DeviceInfo d) {
    if (d.modalias().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(resolver.resolve(d.address(), d.modalias().get()).best().driver());
    } catch (VfioctlException e) {
      return Optional.empty();
    }
  }

  private static void listDevices(Host host, String bus, boolean overridesOnly, Options o, PrintStream out)
      throws VfioctlException {
    DeviceType type = DeviceType.ALL;
    if (!o.arguments().isEmpty()) {
      type = DeviceType.byName(o.arguments().get(0)).orElseThrow(
          () -> new VfioctlException("device type must be one of: " + DeviceType.DRIVERCTL_ORDER));
    }
    Inventory inventory = new Inventory(host, bus);
    VfioResolver resolver = new VfioResolver(host);
    if (o.json()) {
      List<DeviceInfo> devices;
      try {
        devices = inventory.devices(type, overridesOnly, Inventory.Detail.FULL);
      } catch (VfioctlException e) {
        devices = List.of();
      }
      List<Object> rows = new ArrayList<>();
      for (DeviceInfo d : devices) {
        Map<String, Object> row = deviceJson(d);
        row.put("vfio_driver", bestVfio(resolver, d));
        rows.add(row);
      }
      out.print(Json.write(Map.of("devices", rows)));
      return;
    }
    List<DeviceInfo> devices = inventory.devices(type, overridesOnly,
        o.vfio() ? Inventory.Detail.WITH_MODALIAS : Inventory.Detail.BRIEF);
    if (o.vfio()) {
      resolver.requireAliases();
    }
    for (DeviceInfo d : devices) {
      StringBuilder line = new StringBuilder(d.address()).append(' ').append(d.driver().orElse("(none)"));
      if (o.vfio()) {
        line.append(' ').append(bestVfio(resolver, d).orElse("(unknown)"));
      }
      if (!overridesOnly && d.override().isPresent()) {
        line.append(" [*]");
      }
      out.println(line);
    }
  }

  private static Map<String, Object> deviceJson(DeviceInfo d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", d.address());
    m.put("vendor", d.vendor());
    m.put("device", d.device());
    m.put("subsystem_vendor", d.subsystemVendor());
    m.put("subsystem_device", d.subsystemDevice());
    m.put("class", d.classCode());
    m.put("modalias", d.modalias());
    m.put("driver", d.driver());
    m.put("override", d.override());
    m.put("persisted", d.persisted());
    m.put("iommu_group", d.iommuGroup().map(Main::numberOrText));
    m.put("numa_node", d.numaNode().map(Main::numberOrText));
    m.put("vfio_bound", d.vfioBound());
    return m;
  }

  private static Object numberOrText(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return s;
    }
  }

  private static void listPersisted(Host host, String bus, Options o, PrintStream out) throws VfioctlException {
    List<PersistedOverrides.Entry> entries = new Inventory(host, bus).persisted();
    if (o.json()) {
      List<Object> rows = new ArrayList<>();
      for (PersistedOverrides.Entry e : entries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", e.device());
        m.put("driver", e.driver());
        rows.add(m);
      }
      out.print(Json.write(Map.of("persisted", rows)));
      return;
    }
    for (PersistedOverrides.Entry e : entries) {
      out.println(e.device() + " " + e.driver());
    }
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
