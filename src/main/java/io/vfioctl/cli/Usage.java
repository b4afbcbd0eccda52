package io.vfioctl.cli;

/**
 * The help text: driverctl 0.115's, word for word, then what vfioctl adds. Its list of vfioctl's
 * options, and the commands each goes with, are made from the table of {@link Option} and
 * {@link Commands}.
 */
final class Usage {
  private Usage() {}

  private static final String FIRST_WORDS = "Usage: vfioctl ";
  /** Where an option's description starts, and the width its lines are wrapped to (as wide as the longest above). */
  private static final int COLUMN = 23;
  private static final int WIDTH = 85;

  /** The help text as {@code program} ({@code vfioctl}, or {@code driverctl} through the drop-in link). */
  static String text(String program) {
    return "Usage: " + program + " " + TEXT.substring(FIRST_WORDS.length());
  }

  static final String TEXT = commandsText() + optionsText() + """

      <device> is DDDD:BB:DD.F or <bus>/<device>. Types for the list commands:
      all storage network display multimedia memory bridge communication system
      input docking processor serial.

      """;

  /** vfioctl's options: the global ones, then each that goes with some commands, and which. */
  private static String optionsText() {
    StringBuilder b = new StringBuilder("vfioctl options:\n");
    for (int pass = 0; pass < 2; pass++) {
      for (Option o : Option.values()) {
        if (o.help == null || o.global() != (pass == 0)) {
          continue;
        }
        StringBuilder line = new StringBuilder("    ").append(o.spelling());
        if (o.takesValue()) {
          line.append(' ').append(o.value);
        }
        pad(line, COLUMN);
        b.append(line).append(o.help).append('\n');
        if (!o.global()) {
          wrap(b, "(with " + Commands.goesWith(o) + ")");
        }
      }
    }
    return b.toString();
  }

  /** Appends {@code text} in lines that start at {@link #COLUMN} and end before {@link #WIDTH}. */
  private static void wrap(StringBuilder b, String text) {
    StringBuilder line = new StringBuilder();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf(' ', start);
      String word = text.substring(start, end < 0 ? text.length() : end);
      if (line.length() > COLUMN && line.length() + 1 + word.length() >= WIDTH) {
        b.append(line).append('\n');
        line.setLength(0);
      }
      if (line.length() == 0) {
        pad(line, COLUMN);
      } else {
        line.append(' ');
      }
      line.append(word);
      start = end < 0 ? text.length() : end + 1;
    }
    b.append(line).append('\n');
  }

  private static void pad(StringBuilder line, int column) {
    while (line.length() < column) {
      line.append(' ');
    }
  }

  private static String commandsText() {
    return """
      Usage: vfioctl [OPTIONS...] {COMMAND}...

      Inspect or control default device driver bindings.

      Supported commands:
        set-override <device> <driver>    Make <driver> the default driver
                                          for <device>
        unset-override <device>           Remove any override for <device>
        load-override <device>            Load an override previously specified
                                          for <device>
        list-devices                      List all overridable devices
        list-overrides                    List all currently specified overrides
        list-persisted                    List all persisted overrides

      Supported options:
       -h --help             Show this help
       -v --verbose --debug  Show verbose debug information
       -b --bus <bus>        Work on bus <bus> (default pci)
          --noprobe          Do not reprobe when setting, unsetting, or
                             loading an override
          --nosave           Do not save changes when setting or unsetting
                             an override

      vfioctl commands:
        vfio-driver <device> [--all]      Name the best-fit VFIO driver for <device>
                                          (--all: every candidate, ranked)
        load-override --all               Load every saved override (boot)
        recover                           Roll back changes that a killed call
                                          left half made
        set-override <device> vfio        Bind the best-fit VFIO driver; the saved
                                          word 'vfio' is resolved again at each load
        list-devices [type] [--vfio]      Add each device's best VFIO driver
        detach <device> [--driver <d>]    Hand <device> to its best-fit VFIO driver
                                          (or <d>) without saving; remember the original
        reattach <device>                 Return <device> to what detach recorded
        status [<device>...|--all]        Driver, IOMMU group, users, SR-IOV of devices
        domain check|prepare|release <file>|-
                                          A libvirt domain's PCI hostdevs: check them,
                                          detach the managed='no' ones, return them
        rules list|check|apply [<device>]
                                          The binding rules of bind.d (vfioctl.bind(5)):
                                          list them, check each device, apply them
                                          (to <device> and its group alone: hot-plug)
        libvirt-hook <name> <op> <subop> <extra>
                                          What the libvirt qemu hook runs

      """;
  }
}
