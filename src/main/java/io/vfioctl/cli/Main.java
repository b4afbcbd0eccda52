package io.vfioctl.cli;

import io.vfioctl.app.Services;
import io.vfioctl.change.Interruption;
import io.vfioctl.core.ChangeRecord;
import io.vfioctl.core.DeviceName;
import io.vfioctl.core.InvalidNameException;
import io.vfioctl.core.Names;
import io.vfioctl.core.Settings;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.host.GlobalLock;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.SysfsReadException;
import io.vfioctl.sysfs.Watchdog;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The vfioctl command: parses the command line, looks the command up in {@link Commands}, runs it
 * with the machine's parts, and maps failures to exit codes.
 */
public final class Main {
  static final String VERSION = Version.fromBuild();
  /** How long a signal waits for a change in progress to roll back before the JVM exits anyway. */
  private static final long SIGNAL_GRACE_SECONDS = 20;
  /** The name the package gives the drop-in link; called so, messages say {@code driverctl:}. */
  static final String DRIVERCTL = "driverctl";

  private final Map<String, String> env;
  private final Function<Path, Host> hosts;
  private final String program;
  private final String prefix;
  private final Interruption interruption = new Interruption();
  /** The command's watchdog and stderr, for the signal handler's thread. */
  private volatile Watchdog watchdog;
  private volatile PrintStream stderr = System.err;
  /** Who the journal says makes a change; tests play a process that is gone. */
  private Supplier<ChangeRecord.Owner> owner = Settings::thisProcess;
  /** Where {@code -} reads a domain XML from, and the hook its domain; tests give their own. */
  private InputStream stdin = System.in;
  /** Whether stderr is a terminal (the launcher tells: a JVM cannot ask cheaply); progress is drawn there. */
  private boolean terminal;
  /** Ends the process after a stuck sysfs access; tests replace it. */
  private Runnable onStuck = () -> Runtime.getRuntime().halt(1);
  /** Tells the launcher, before a command that must not run twice starts, not to run it again. */
  private Runnable notRepeatable = () -> {};

  /**
   * @param env the environment ({@code VFIOCTL_ROOT}, and udev's {@code SUBSYSTEM} and {@code DEVPATH})
   * @param hosts the machine below a root; {@link Host#at} for the real one
   */
  public Main(Map<String, String> env, Function<Path, Host> hosts) {
    this(env, hosts, "vfioctl");
  }

  /** @param program the name called by: {@code vfioctl}, or {@code driverctl} for the drop-in link */
  public Main(Map<String, String> env, Function<Path, Host> hosts, String program) {
    this.env = env;
    this.hosts = hosts;
    this.program = program.equals(DRIVERCTL) ? DRIVERCTL : "vfioctl";
    this.prefix = this.program + ": ";
  }

  public static void main(String[] args) {
    HeldOutput held;
    try {
      held = new HeldOutput(new FileOutputStream(StandardOutput.descriptor()), Repeatable.END);
    } catch (IllegalStateException e) {
      System.err.println("vfioctl: " + e.getMessage());
      Runtime.getRuntime().halt(70);
      return;
    }
    PrintStream out = new PrintStream(held, false, StandardCharsets.UTF_8);
    // Line by line: a -v trace must reach the journal even if the process is killed mid-change.
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    Main main = forThisProcess();
    main.notRepeatable = Repeatable.END;
    // Nothing has been done yet. A crash report that still calls this thread "main" tells the
    // launcher so: it may then run the command again without its start-up cache.
    Thread.currentThread().setName("vfioctl");
    Repeatable.started();
    int rc = main.run(out, err, args);
    out.flush();
    Repeatable.ending(rc);
    try {
      held.release();
    } catch (java.io.IOException e) {
      // as PrintStream does: a closed stdout is the reader's choice
    }
    Repeatable.delivered();
    if (rc != VfioctlException.INTERNAL_ERROR) {
      Repeatable.end(); // the call's answer, printed or not, stands
    }
    err.flush();
    if (main.interruption.requested()) {
      // A signal's shutdown is under way: this blocks, and the JVM ends with 128 + the signal.
      System.exit(rc);
    }
    // The command is over: the signal hook has nothing left to roll back, and System.exit would
    // load and link its logging classes on every call (they are not in the start-up cache).
    Runtime.getRuntime().halt(rc);
  }

  /**
   * A signal: the change in progress rolls back; one stuck in the kernel cannot, and then the
   * other callers get the lock and the user a line saying which access is stuck.
   */
  private void interrupted() {
    if (!interruption.requestAndAwait(SIGNAL_GRACE_SECONDS)) {
      GlobalLock.releaseForExit();
      String what = Optional.ofNullable(watchdog).flatMap(Watchdog::current).orElse("a sysfs access");
      stderr.println(prefix + "interrupted, but " + what + " has not returned: the change stays in the journal until it"
          + " does, then 'vfioctl recover' rolls it back");
      stderr.flush();
    }
  }

  /** The Main of the running process: its environment, its name, and a hook for its signals. */
  static Main forThisProcess() {
    // The launcher passes the name it was called by; a JVM cannot see argv[0].
    Main main = new Main(System.getenv(), Host::at, System.getProperty("vfioctl.program", "vfioctl"));
    main.terminal = Boolean.getBoolean("vfioctl.terminal");
    // SIGTERM (a unit's start timing out), SIGINT and SIGHUP run shutdown hooks: this one lets a
    // change in progress roll back before the JVM exits.
    Runtime.getRuntime().addShutdownHook(new Thread(main::interrupted));
    return main;
  }

  /** For tests: the process the journal names as making the changes. */
  Main owner(ChangeRecord.Owner process) {
    this.owner = () -> process;
    return this;
  }

  /** For tests: what to do instead of ending the process when a sysfs access is stuck. */
  Main onStuck(Runnable action) {
    this.onStuck = action;
    return this;
  }

  /** For tests: what standard input holds. */
  Main stdin(InputStream in) {
    this.stdin = in;
    return this;
  }

  /** For tests: draw progress as on a terminal. */
  Main terminal(boolean isTerminal) {
    this.terminal = isTerminal;
    return this;
  }

  /** How a signal reaches the change in progress (for tests that play the signal). */
  Interruption interruption() {
    return interruption;
  }

  /** Runs one command; returns the exit code. Nothing is printed to System.out/err directly. */
  public int run(PrintStream out, PrintStream err, String... args) {
    Options options;
    Command command;
    try {
      options = CommandLineParser.parse(args);
      if (options.has(Option.HELP)) {
        out.print(Usage.text(program));
        return 0;
      }
      if (options.has(Option.VERSION)) {
        out.println("vfioctl " + VERSION);
        return 0;
      }
      if (options.command().isEmpty()) {
        out.print(Usage.text(program));
        return 1;
      }
      command = Commands.find(options);
      if (!command.repeatable(options)) {
        notRepeatable.run();
      }
    } catch (UsageException e) {
      return usageError(out, err, e.getMessage());
    }
    try {
      return execute(command, options, out, err);
    } catch (UsageException e) {
      return usageError(out, err, e.getMessage());
    } catch (VfioctlException e) {
      if (!e.reported()) {
        err.println(prefix + e.getMessage());
      }
      if (options.verbose() && e.getCause() != null) {
        e.getCause().printStackTrace(err);
      }
      return e.exitCode();
    } catch (SysfsReadException e) {
      err.println(prefix + e.getMessage());
      return 1;
    } catch (OutOfMemoryError e) {
      err.println(prefix + "out of memory (" + e.getMessage() + "); the input is too large for this JVM's heap");
      return VfioctlException.INTERNAL_ERROR;
    } catch (RuntimeException e) {
      err.println(prefix + "internal error: " + e + (options.verbose() ? "" : " (run with --verbose for details)"));
      if (options.verbose()) {
        e.printStackTrace(err);
      }
      return VfioctlException.INTERNAL_ERROR;
    }
  }

  private int usageError(PrintStream out, PrintStream err, String message) {
    err.println(prefix + message);
    out.print(Usage.text(program));
    return 1;
  }

  /** Builds the machine's parts below the root and runs the command with them, under a watchdog. */
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
    Path rootDir = existingDirectory(root);
    try (Watchdog watchdog = new Watchdog(o.timeoutSeconds(), what -> stuck(err, what, o))) {
      this.watchdog = watchdog;
      this.stderr = err;
      Host host = hosts.apply(rootDir).watched(watchdog);
      Settings settings = new Settings(bus, !o.has(Option.NOPROBE), !o.has(Option.NOSAVE), o.dryRun(),
          nonEmpty(env.get("DEVPATH")), Duration.ofSeconds(4 * o.timeoutSeconds()), commandLine(c, o), owner,
          new Settings.Safety(o.has(Option.FORCE), o.has(Option.NOIOMMU)));
      CliLog log = new CliLog(out, err, prefix, o.verbose(), o.dryRun(), terminal);
      Services services = new Services(host, settings, log, interruption);
      return c.run(new Invocation(o, services, log, out, err, prefix, stdin));
    }
  }

  private static Path existingDirectory(String root) throws VfioctlException {
    Path path = Path.of(root);
    if (!Files.isDirectory(path)) {
      String problem = Files.exists(path) ? " is not a directory" : " does not exist";
      throw new VfioctlException("root " + Names.printable(root) + problem + "; check --root or VFIOCTL_ROOT");
    }
    return path;
  }

  /**
   * A sysfs access outlived its deadline: say which and why that usually happens, let other
   * callers have the lock, and end the process (the stuck thread cannot be stopped; the journal
   * keeps a change in progress for {@code vfioctl recover}).
   */
  private void stuck(PrintStream err, String what, Options o) {
    GlobalLock.releaseForExit(); // first: a stderr that blocks must not keep other callers waiting
    err.println(prefix + what + " has not returned after " + o.timeoutSeconds() + " s: " + StuckAccess.why(what)
        + "; a change in progress stays in the journal until the call returns, then 'vfioctl recover' rolls it back"
        + " (--timeout sets the deadline)");
    err.flush();
    onStuck.run();
  }

  /** What another caller waiting for the lock is told this one does. */
  private static String commandLine(Command c, Options o) {
    String args = String.join(" ", o.arguments());
    String line = c.word() + (args.isEmpty() ? "" : " " + args) + (o.all() ? " --all" : "");
    return Names.escaped(line.length() > 120 ? line.substring(0, 120) + "..." : line);
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
