package io.vfioctl.cli;

/**
 * Every option of the command line: how it is spelled, whether it takes a value, and its line in
 * the usage. A global option goes with every command; which commands take the others is said by
 * the commands themselves ({@link Command#accepts}), in the table of {@link Commands}.
 */
enum Option {
  // The options that go with some commands only, in the order their misuse is reported.
  ALL(false, null, "Every candidate, every saved override, every device", "--all"),
  VFIO(false, null, "Add each device's best-fit VFIO driver", "--vfio"),
  DRY_RUN(false, null, "Print the planned writes and module loads; change nothing", "--dry-run"),
  JSON(false, null, "Print one JSON document", "--json"),
  DRIVER(false, "<d>", "Bind <d> instead of the best-fit VFIO driver", "--driver"),
  GROUP(false, null, "Act on every endpoint of the device's IOMMU group", "--group"),
  VFS(false, null, "Act on every VF of the PF <device>", "--vfs"),
  FORCE(false, null, "Take a device the host uses (an interface up, a mounted disk)", "--force"),
  NOIOMMU(false, null, "Bind VFIO without an IOMMU (unsafe no-IOMMU mode)", "--noiommu"),
  // Global options; those without a usage line of their own are in driverctl's part of the usage.
  ROOT(true, "<dir>", "Use <dir> as the filesystem root (or $VFIOCTL_ROOT)", "--root"),
  TIMEOUT(true, "<s>", "Deadline of each sysfs access (default 30, 0: none)", "--timeout"),
  BUS(true, "<bus>", null, "--bus", "-b"),
  VERBOSE(true, null, null, "--verbose", "-v", "--debug"),
  NOSAVE(true, null, null, "--nosave"),
  NOPROBE(true, null, null, "--noprobe"),
  HELP(true, null, null, "--help", "-h"),
  VERSION(true, null, "Show the version", "--version");

  private final boolean global;
  /** What the usage shows for the value ({@code <dir>}), or null for an option that takes none. */
  final String value;
  /** The line of vfioctl's options in the usage, or null. */
  final String help;
  /** The long spelling first: messages name the option by it. */
  private final String[] spellings;

  Option(boolean global, String value, String help, String... spellings) {
    this.global = global;
    this.value = value;
    this.help = help;
    this.spellings = spellings;
  }

  /** The option spelled {@code text} ({@code -b}, {@code --bus}), or null. */
  static Option spelled(String text) {
    for (Option o : values()) {
      for (String s : o.spellings) {
        if (s.equals(text)) {
          return o;
        }
      }
    }
    return null;
  }

  /** The long spelling, as messages name the option. */
  String spelling() {
    return spellings[0];
  }

  /** Every spelling, the long one first. */
  String[] spellings() {
    return spellings.clone();
  }

  boolean global() {
    return global;
  }

  boolean takesValue() {
    return value != null;
  }

  /** This option's bit in a set of options. */
  int bit() {
    return 1 << ordinal();
  }
}
