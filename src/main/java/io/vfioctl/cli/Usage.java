package io.vfioctl.cli;

/** The help text: driverctl 0.115's, word for word, then what vfioctl adds. */
final class Usage {
  private Usage() {}

  /** The help text as {@code program} ({@code vfioctl}, or {@code driverctl} through the drop-in link). */
  static String text(String program) {
    return TEXT.replaceFirst("^Usage: vfioctl ", "Usage: " + program + " ");
  }

  static final String TEXT = """
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
        status [<device>...] [--all]      Driver, IOMMU group, users, SR-IOV of devices
        domain check|prepare|release <file>|-
                                          A libvirt domain's PCI hostdevs: check them,
                                          detach the managed='no' ones, return them
        libvirt-hook <name> <op> <subop> <extra>
                                          What the libvirt qemu hook runs

      vfioctl options:
          --root <dir>       Use <dir> as the filesystem root (or $VFIOCTL_ROOT)
          --json             Print one JSON document (list, vfio-driver, status, domain)
          --dry-run          Print the planned writes and module loads; change nothing
          --group            Act on every endpoint of the device's IOMMU group
          --vfs              Act on every VF of the PF <device>
          --force            Take a device the host uses (an interface up, a mounted disk)
          --noiommu          Bind VFIO without an IOMMU (unsafe no-IOMMU mode)
          --timeout <s>      Deadline of each sysfs access (default 30, 0: none)
          --version          Show the version

      <device> is DDDD:BB:DD.F or <bus>/<device>. Types for the list commands:
      all storage network display multimedia memory bridge communication system
      input docking processor serial.

      """;
}
