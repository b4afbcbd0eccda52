package io.vfioctl.change;

import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.cli.Main;
import io.vfioctl.host.Host;
import io.vfioctl.testing.ForwardingSysfs;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checks of one call look once at what the host uses, however many devices it moves
 * (load-override --all at boot): the network class directory is listed once per call.
 */
class OneLookPerCallTest extends MachineTest {
  private int netListings;
  private int groupLookUps;
  private final java.util.Map<String, Integer> looks = new java.util.TreeMap<>();

  private void count(String path) {
    if (path.startsWith("/sys/module/") || path.endsWith("/modalias")) {
      looks.merge(path.substring(path.lastIndexOf('/', path.lastIndexOf('/') - 1) + 1), 1, Integer::sum);
    }
  }

  /** The simulated kernel, counting the listings of /sys/class/net. */
  private final class Counting extends ForwardingSysfs {
    Counting() {
      super(m.kernel);
    }

    @Override
    public java.util.Optional<String> linkName(String path) {
      if (path.endsWith("/iommu_group")) {
        groupLookUps++;
      }
      return super.linkName(path);
    }

    @Override
    public boolean exists(String path) {
      count(path);
      return super.exists(path);
    }

    @Override
    public java.util.Optional<String> read(String path) {
      count(path);
      return super.read(path);
    }

    @Override
    public List<String> list(String dir) {
      count(dir);
      if (dir.equals("/sys/class/net")) {
        netListings++;
      }
      return super.list(dir);
    }
  }

  private int run(String... args) {
    Host host = new Host(root, new Counting(), m.kernel.moduleLoader());
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
      return new Main(m.env, r -> host, "vfioctl").run(out, out, args);
    }
  }

  @Test
  void loadAllLooksOnceForAllItsDevices() {
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    m.write("etc/driverctl.d/pci-" + VIRTIO, "vfio-pci\n");
    m.write("etc/driverctl.d/pci-" + FN0, "vfio-pci\n");
    assertEquals(0, run("load-override", "--all"));
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals("vfio-pci", m.driver(FN0));
    assertEquals(1, netListings);
  }

  @Test
  void aDeviceAlreadyInEffectHasItsIommuGroupLeftUnread() {
    m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
    assertEquals(0, run("load-override", "--all"));
    assertTrue(groupLookUps > 0, "the move to VFIO is checked");
    groupLookUps = 0;
    assertEquals(0, run("load-override", "--all"));
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals(0, groupLookUps, "in effect: nothing to check");
    assertEquals(0, netListings - 1, "nor anything the host uses");
  }

  @Test
  void eachCallLooksAgain() {
    assertEquals(0, run("set-override", "--group", FN0, "vfio-pci"));
    assertEquals(1, netListings);
    assertEquals(0, run("unset-override", "--group", FN0));
    assertEquals(0, run("set-override", NIC, "vfio-pci"));
    assertEquals(2, netListings, "the unset moves no device from a host driver: it looks at nothing");
  }

  @Test
  void rulesCheckLooksAtEachModuleAndEachModaliasOnce() {
    m.write("etc/vfioctl/bind.d/50-e1000.conf", "[Match]\nVendor=8086\n[Bind]\nDriver=vfio\n");
    assertEquals(0, run("rules", "check"));
    // Three e1000 functions, each resolved to vfio_pci: the module looked up once, each modalias read once.
    assertEquals(1, looks.get("module/vfio_pci"));
    assertEquals(1, looks.get("vfio_pci/drivers"));
    for (String device : List.of(NIC, FN0, TestMachine.FN1)) {
      assertEquals(1, looks.get(device + "/modalias"), device);
    }
  }

  @Test
  void anInEffectRulesApplyReadsEachModaliasOnceAndChecksNoGroup() {
    m.write("etc/vfioctl/bind.d/50-e1000.conf", "[Match]\nVendor=8086\n[Bind]\nDriver=vfio\n");
    assertEquals(0, run("rules", "apply"));
    assertEquals("vfio-pci", m.driver(NIC));
    looks.clear();
    groupLookUps = 0;
    assertEquals(0, run("rules", "apply"));
    // In effect: the rule's facts decide it, and no move is planned (which would read each modalias again).
    for (String device : List.of(NIC, FN0, TestMachine.FN1)) {
      assertEquals("vfio-pci", m.driver(device), device);
      assertEquals(1, looks.get(device + "/modalias"), device);
    }
    assertEquals(0, groupLookUps, "in effect: nothing to check");
  }

  @Test
  void aModuleLoadedDuringACallIsLookedAtAgain() {
    assertEquals(0, run("set-override", TestMachine.EDU, "vfio"));
    assertEquals("edu-vfio-variant", m.driver(TestMachine.EDU), "the driver the module registered when loaded");
    assertEquals(2, looks.get("edu_vfio_pci/drivers"), "before loading it, and after");
  }
}
