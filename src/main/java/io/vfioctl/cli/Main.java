package io.vfioctl.cli;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.InvalidNameException;
import io.vfioctl.core.Names;
import io.vfioctl.host.Host;
import io.vfioctl.ops.DeviceLocator;
import io.vfioctl.ops.Inventory;
import io.vfioctl.ops.OverrideEngine;
import io.vfioctl.ops.Settings;
import io.vfioctl.ops.TargetResolver;
import io.vfioctl.ops.VfioResolver;
import io.vfioctl.ops.VfioctlException;
import io.vfioctl.sysfs.SysfsReadException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    } catch (VfioctlException | SysfsReadException e) {
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
    if (o.json() && c.changesBindings()) {
      throw new UsageException("--json goes with the list commands and vfio-driver");
    }
  }

  private int execute(Command c, Options o, PrintStream out, PrintStream err) throws VfioctlException, UsageException {
    String root = o.root().or(() -> nonEmpty(env.get("VFIOCTL_ROOT"))).orElse("/");
    if (root.isEmpty()) {
      throw new UsageException("--root needs a directory");
    }
    String bus = o.bus().orElseGet(() -> nonEmpty(env.get("SUBSYSTEM")).orElse(DeviceName.PCI));
    try {
      Names.requireComponent(bus, "bus");
    } catch (InvalidNameException e) {
      throw new UsageException(e.getMessage());
    }
    Host host = hosts.apply(existingDirectory(root));
    Settings settings = new Settings(bus, !o.noProbe(), !o.noSave(), o.dryRun(), nonEmpty(env.get("DEVPATH")));
    CliLog log = new CliLog(out, err, o.verbose(), o.dryRun());
    VfioResolver vfio = new VfioResolver(host);
    OverrideEngine engine = new OverrideEngine(host, settings, log, new TargetResolver(host, vfio, log));
    List<String> a = o.arguments();
    switch (c) {
      case SET_OVERRIDE -> engine.set(a.get(0), a.get(1));
      case UNSET_OVERRIDE -> engine.unset(a.get(0));
      case LOAD_OVERRIDE -> {
        if (!engine.load(a.get(0))) {
          return 1;
        }
      }
      case LIST_DEVICES, LIST_OVERRIDES -> new ListCommands(new Inventory(host, bus), vfio, o, out)
          .devices(c == Command.LIST_OVERRIDES);
      case LIST_PERSISTED -> new ListCommands(new Inventory(host, bus), vfio, o, out).persisted();
      case VFIO_DRIVER -> VfioDriverCommand.run(new DeviceLocator(host, settings), vfio, a.get(0), o, out, log);
    }
    return 0;
  }

  private static Path existingDirectory(String root) throws VfioctlException {
    Path path = Path.of(root);
    if (!Files.isDirectory(path)) {
      String problem = Files.exists(path) ? " is not a directory" : " does not exist";
      throw new VfioctlException("root " + Names.printable(root) + problem + "; check --root or VFIOCTL_ROOT");
    }
    return path;
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
