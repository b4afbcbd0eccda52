package io.vfioctl.cli;

import io.vfioctl.host.Host;
import io.vfioctl.host.RootLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What update-cache runs to train the start-up cache: the commands users and udev run, on a
 * small root with devices, overrides and aliases built for the purpose, so that the cache holds
 * the classes those commands load (trained on an empty root, it missed a third of them). It
 * changes nothing outside its temporary root, which it removes.
 */
public final class Training {
  private static final String NIC = "0000:00:02.0";
  private static final String GPU = "0000:00:03.0";
  private static final String VIRTIO = "0000:00:04.0";
  /** A display function and its audio function in one IOMMU group, as on most graphics cards. */
  private static final String DISPLAY = "0000:00:05.0";
  private static final String AUDIO = "0000:00:05.1";
  /** An SR-IOV PF with one VF. */
  private static final String PF = "0000:00:06.0";
  private static final String VF = "0000:00:06.1";
  /**
   * An NVMe controller and a second function in its IOMMU group, neither bound: a rule takes the
   * controller by its default host driver (found in modules.alias), and its group with it.
   */
  private static final String NVME = "0000:00:07.0";
  private static final String NVME_PEER = "0000:00:07.1";
  private static final String RELEASE = "6.12.0-training";

  private Training() {}

  public static void main(String[] args) throws IOException {
    PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    HeldOutput held = new HeldOutput(OutputStream.nullOutputStream(), Repeatable.END); // as Main holds stdout
    PrintStream out = new PrintStream(held, false, StandardCharsets.UTF_8);
    train(out, sink);
    out.flush();
    held.release();
  }

  /** Runs the commands, printing to {@code out} and {@code err}; returns each command line's exit code (for tests). */
  static Map<String, Integer> train(PrintStream out, PrintStream err) throws IOException {
    Map<String, Integer> exitCodes = new LinkedHashMap<>();
    Path root = privateDirectory();
    try {
      RootLayout layout = new RootLayout(root)
          .device(NIC, 0x8086, 0x10d3, 0x020000, "(null)", "e1000e")
          .device(GPU, 0x10de, 0x2342, 0x030000, "vfio-pci", "vfio-pci")
          .device(VIRTIO, 0x1af4, 0x1041, 0x020000, "(null)", null)
          .device(DISPLAY, 0x10de, 0x1eb8, 0x030000, "(null)", "nouveau")
          .device(AUDIO, 0x10de, 0x10f8, 0x040300, "(null)", "snd_hda_intel")
          .inGroup(AUDIO, 3) // DISPLAY's group: groups are numbered in the order devices are added
          .device(PF, 0x8086, 0x1572, 0x020000, "(null)", "i40e")
          .device(VF, 0x8086, 0x154c, 0x020000, "(null)", "iavf")
          .device(NVME, 0x144d, 0xa808, 0x010802, "(null)", null)
          .device(NVME_PEER, 0x144d, 0xa809, 0x088000, "(null)", null)
          .inGroup(NVME_PEER, 7)
          .persisted("pci-" + GPU, "vfio\n")
          .persisted("pci-" + DISPLAY, "vfio-pci\n")
          .kernel(RELEASE, """
              alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e
              alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci
              alias pci:v*d*sv*sd*bc01sc08i02* nvme
              alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci
              alias vfio_pci:v000010DEd00002342sv*sd*bc*sc*i* nvgrace_gpu_vfio_pci
              """);
      // What real hosts have and the paths through the code that only they take: a VFIO device's
      // node (a holder is looked for), a PF's VF.
      Files.createDirectories(layout.deviceDir(GPU).resolve("vfio-dev/vfio0"));
      Files.writeString(layout.deviceDir(PF).resolve("sriov_numvfs"), "1\n");
      Files.writeString(layout.deviceDir(PF).resolve("sriov_offset"), "1\n");
      Files.writeString(layout.deviceDir(PF).resolve("sriov_stride"), "1\n");
      Files.createSymbolicLink(layout.deviceDir(PF).resolve("virtfn0"), Path.of("../" + VF));
      Files.createSymbolicLink(layout.deviceDir(VF).resolve("physfn"), Path.of("../" + PF));
      Path guest = root.resolve("guest.xml");
      Files.writeString(guest, "<domain><name>training</name><devices><hostdev mode='subsystem' type='pci' managed='no'>"
          + "<source><address domain='0' bus='0' slot='3' function='0'/></source></hostdev></devices></domain>\n");
      Main main = Main.forThisProcess();
      try {
        StandardOutput.of(1); // the caller's stdout, as every call through the launcher opens it
      } catch (IllegalStateException e) {
        // Not run with the launcher's JVM options (a test): there is nothing of it to train.
      }
      Host.at(Path.of("/")); // the real machine's Host, without touching it
      String r = root.toString();
      for (String[] command : new String[][] {
          {"--help"}, {"--version"},
          {"--root", r, "list-devices"}, {"--root", r, "list-devices", "--vfio"}, {"--root", r, "--json", "list-devices"},
          {"--root", r, "list-overrides"}, {"--root", r, "list-persisted"},
          {"--root", r, "vfio-driver", GPU}, {"--root", r, "--json", "vfio-driver", GPU, "--all"},
          {"--root", r, "load-override", GPU}, {"--root", r, "load-override", "--all"},
          {"--root", r, "--dry-run", "set-override", NIC, "vfio"},
          {"--root", r, "--noprobe", "--nosave", "set-override", NIC, "vfio-pci"},
          {"--root", r, "--noprobe", "--nosave", "unset-override", NIC},
          {"--root", r, "--dry-run", "detach", NIC}, {"--root", r, "--dry-run", "reattach", GPU},
          {"--root", r, "status"}, {"--root", r, "--json", "status", "--all"},
          {"--root", r, "domain", "check", guest.toString()}, {"--root", r, "--dry-run", "domain", "prepare", guest.toString()},
          {"--root", r, "recover"}, {"--root", r, "bogus-command"},
          // Changes as at boot and by hand, after which the root is no longer as built above.
          {"--root", r, "--noprobe", "load-override", "--all"}, {"--root", r, "status", "--all"},
          {"--root", r, "--noprobe", "detach", NIC}, {"--root", r, "recover"}, {"--root", r, "--noprobe", "reattach", NIC}}) {
        exitCodes.put(String.join(" ", command), main.run(out, err, command));
      }
      // Binding rules (written now: load-override --all above stays the boot without rules), then
      // the boot with rules, when they are all in effect.
      writeRules(root);
      for (String[] command : new String[][] {
          {"--root", r, "rules", "list"}, {"--root", r, "rules", "check"}, {"--root", r, "--json", "rules", "check"},
          {"--root", r, "--dry-run", "rules", "apply"}, {"--root", r, "--noprobe", "rules", "apply"}}) {
        exitCodes.put(String.join(" ", command), main.run(out, err, command));
      }
      // As the kernel's probe would have bound them: the rules are in effect from now on.
      bindAsProbed(layout, VIRTIO, "vfio-pci");
      bindAsProbed(layout, VF, "vfio-pci");
      bindAsProbed(layout, NVME, "vfio-pci");
      bindAsProbed(layout, NVME_PEER, "vfio-pci");
      for (String[] command : new String[][] {
          {"--root", r, "rules", "check"}, {"--root", r, "--noprobe", "rules", "apply"},
          {"--root", r, "--noprobe", "rules", "apply", VF}, {"--root", r, "--noprobe", "load-override", "--all"}}) {
        exitCodes.put(String.join(" ", command), main.run(out, err, command));
      }
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return exitCodes;
  }

  /** Binds {@code device} to {@code driver}, as a kernel would after a change made with --noprobe. */
  private static void bindAsProbed(RootLayout layout, String device, String driver) throws IOException {
    Files.createDirectories(layout.root().resolve("sys/bus/pci/drivers/" + driver));
    Path link = layout.deviceDir(device).resolve("driver");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of("../../../bus/pci/drivers/" + driver));
  }

  /**
   * Rules that use every kind of key: a device by its default host driver with its group, a VF by
   * its PF, a device by IDs and class, one kept by address.
   */
  private static void writeRules(Path root) throws IOException {
    Path dir = Files.createDirectories(root.resolve("etc/vfioctl/bind.d"));
    Files.writeString(dir.resolve("05-nvme.conf"), "[Match]\nDriver=nvme\n[Bind]\nDriver=vfio\nGroup=yes\n");
    Files.writeString(dir.resolve("10-keep-nic.conf"), "[Match]\nAddress=0000:00:02.*\nClass=network\n[Bind]\nDriver=none\n");
    Files.writeString(dir.resolve("20-vfs.conf"), "# VFs of the PF\n[Match]\nVendor=0x8086\nDevice=154c 1889\n"
        + "PhysicalFunction=0000:00:06.*\nVirtualFunctionIndex=0-3,7\nDriver=!ixgbevf\n[Bind]\nDriver=vfio\n");
    Files.writeString(dir.resolve("30-virtio.conf"), "[Match]\nVendor=1af4\nClass=02*\nSubsystemVendor=1af4\n"
        + "SubsystemDevice=*\nNumaNode=-1 0\n[Bind]\nDriver=vfio-pci\nForce=yes\n");
    Files.writeString(dir.resolve("40-gpus.conf"), "[Match]\nClass=display\nPhysicalInterface=!eth*\n[Bind]\nDriver=vfio\nGroup=yes\n");
  }

  /**
   * A new directory in the temporary directory, as {@code Files.createTempDirectory} makes, but
   * named without {@code SecureRandom}: what training loads goes into the cache, and every call
   * would then load the security providers that seeding it loads.
   */
  private static Path privateDirectory() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    for (long n = System.nanoTime(); ; n++) {
      try {
        String name = "vfioctl-training-" + ProcessHandle.current().pid() + "-" + n;
        return Files.createDirectory(tmp.resolve(name), ownerOnly);
      } catch (FileAlreadyExistsException e) {
        // the next name
      }
    }
  }
}
