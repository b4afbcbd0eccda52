package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.CliRunner;
import io.vfioctl.testing.CliRunner.Printed;
import io.vfioctl.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The start-up cache's training runs every command it lists and leaves nothing behind. */
class TrainingTest {
  /** Part of each printing command's output on the training root: proof that it ran past the command line. */
  static final List<String> MARKS = List.of(
      "\n0000:00:02.0 e1000e\n0000:00:03.0 vfio-pci [*]\n0000:00:04.0 (none)\n", // list-devices
      "\n0000:00:03.0 vfio-pci nvgrace_gpu_vfio_pci [*]\n", // list-devices --vfio
      "\"vfio_driver\": \"nvgrace_gpu_vfio_pci\"", // --json list-devices
      "\n0000:00:03.0 vfio-pci\n", // list-overrides
      "\n0000:00:03.0 vfio\n", // list-persisted
      "\nnvgrace_gpu_vfio_pci\n", // vfio-driver
      "\"candidates\": [", // --json vfio-driver --all
      "load-override: 0 applied, 0 already in effect, 2 failed, 0 absent\n", // load-override --all
      "load-override: 2 applied, 0 already in effect, 0 failed, 0 absent\n", // --noprobe load-override --all
      "write /etc/driverctl.d/pci-0000:00:02.0 vfio\n", // --dry-run set-override
      "write /run/vfioctl/detached/pci-0000:00:02.0 driver=e1000e override=\n", // --dry-run detach
      "write /sys/bus/pci/devices/0000:00:03.0/driver_override \"\"\n", // --dry-run reattach
      "0000:00:03.0 10de:2342 class 030000\n  driver       vfio-pci (VFIO)\n", // status
      "\"sriov_drivers_autoprobe\": null", // --json status --all
      "check: 1 problem: the guest would not start\n", // domain check
      "write /run/vfioctl/detached/pci-0000:00:03.0 driver=vfio-pci override=vfio-pci\n", // --dry-run domain prepare
      "recover: 0 rolled back, 0 failed\n", // recover
      "/etc/vfioctl/bind.d/20-vfs.conf:2: Vendor=8086 Device=154c 1889 PhysicalFunction=0000:00:06.* ", // rules list
      "\n0000:00:06.1 /etc/vfioctl/bind.d/20-vfs.conf:2: vfio-pci, not in effect\n", // rules check
      "\n0000:00:07.0 /etc/vfioctl/bind.d/05-nvme.conf:1: vfio-pci (Driver= matched its default host driver nvme)",
      "\n0000:00:07.1 (no rule; in the IOMMU group 0000:00:07.0's Group=yes rule takes): moves with 0000:00:07.0 to"
          + " vfio-pci, not in effect\n", // rules check
      "\"rule\": \"/etc/vfioctl/bind.d/30-virtio.conf\"", // --json rules check
      "rules apply: 3 bound, 0 returned, 0 already in effect, 0 failed\n", // --dry-run and --noprobe rules apply
      "\n0000:00:06.1 /etc/vfioctl/bind.d/20-vfs.conf:2: vfio-pci, in effect\n", // rules check, all in effect
      "rules apply: 0 bound, 0 returned, 3 already in effect, 0 failed\n", // rules apply, and at boot
      "rules apply: 0 bound, 0 returned, 1 already in effect, 0 failed\n"); // rules apply DEV

  @Test
  void runsEachCommandOnAPrivateRootAndRemovesIt() throws IOException {
    List<Path> before = trainingRoots();
    Printed<Map<String, Integer>> training = CliRunner.capture(Training::train);
    assertEquals(before, trainingRoots());

    StringBuilder table = new StringBuilder();
    training.value().forEach((command, code) -> table.append(code).append("  ")
        .append(command.replaceAll("\\S*/vfioctl-training-[0-9-]+", "ROOT")).append('\n'));
    Golden.assertMatches("training/exit-codes.txt", table.toString());

    String printed = training.out();
    assertTrue(printed.startsWith("Usage: vfioctl "), "training printed no help text first");
    assertTrue(printed.lines().anyMatch(l -> l.matches("vfioctl [0-9][^ ]*")), "training printed no version");
    for (String mark : MARKS) {
      assertTrue(printed.contains(mark), () -> "training printed no " + mark + " in:\n" + printed);
    }
    assertEquals("""
        vfioctl: failed to bind device 0000:00:03.0 to driver nvgrace_gpu_vfio_pci (bound to vfio-pci instead); \
        restored driver vfio-pci
        vfioctl: failed to bind device 0000:00:03.0 to driver nvgrace_gpu_vfio_pci (bound to vfio-pci instead); \
        restored driver vfio-pci
        vfioctl: warning: IOMMU group 3 of 0000:00:05.0 will not be viable for VFIO while 0000:00:05.1 (snd_hda_intel) \
        stays bound to a host driver: detach it too, or use --group
        vfioctl: failed to bind device 0000:00:05.0 to driver vfio-pci (bound to nouveau instead); restored driver nouveau
        vfioctl: unknown command: bogus-command
        vfioctl: warning: IOMMU group 3 of 0000:00:05.0 will not be viable for VFIO while 0000:00:05.1 (snd_hda_intel) \
        stays bound to a host driver: detach it too, or use --group
        vfioctl: warning: IOMMU group 3 of 0000:00:05.0 will not be viable for VFIO while 0000:00:05.1 (snd_hda_intel) \
        stays bound to a host driver: detach it too, or use --group
        """, training.err(), "load-override of the device and --all, the unknown command, load-override --all as at boot"
        + " without and with rules");
  }

  /**
   * The training roots of this process (training runs in it and names them with its pid): other
   * processes' training roots come and go while this test runs.
   */
  private static List<Path> trainingRoots() throws IOException {
    String ours = "vfioctl-training-" + ProcessHandle.current().pid() + "-";
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return tmp.filter(p -> p.getFileName().toString().startsWith(ours)).sorted().toList();
    }
  }
}
