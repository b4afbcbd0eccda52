package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.FakeRoot;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A device the host uses is not taken from it, unless --force; a refusal writes nothing. */
class InUseTest extends MachineTest {
  private void eth0UpWithARoute() {
    m.kernel.addLink("/sys/class/net/eth0", "../../devices/pci0000:00/" + NIC + "/net/eth0")
        .addFile("/sys/class/net/eth0/flags", "0x1003");
    m.write("proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        + "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
  }

  @Test
  void anInterfaceThatIsUpIsRefusedWithOneLineAndNothingWritten() {
    eth0UpWithARoute();
    for (String[] args : List.of(new String[] {"set-override", NIC, "vfio-pci"}, new String[] {"detach", NIC},
        new String[] {"--dry-run", "detach", NIC}, new String[] {"set-override", NIC, "none"})) {
      Result r = m.run(args);
      assertEquals(1, r.code(), r::toString);
      assertEquals(1, r.err().lines().count(), r::toString);
      assertTrue(r.err().startsWith("vfioctl: " + NIC + " is in use: its interface eth0 is up"), r::toString);
      assertTrue(r.err().endsWith("; stop using it first, or pass --force\n"), r::toString);
      assertEquals("", r.out());
    }
    assertEquals(List.of(), m.kernel.writeLog());
    assertTrue(!m.kernel.isLoaded("vfio_pci"), "a refusal loads no module either");
    assertEquals("e1000", m.driver(NIC));
    assertTrue(m.run("status", NIC).out().contains("  in use       its interface eth0 is up"));
  }

  @Test
  void forceTakesItWithAWarning() {
    eth0UpWithARoute();
    Result r = m.run("detach", "--force", NIC);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: warning: taking " + NIC + " from e1000 although its interface eth0 is up"),
        r::toString);
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals(0, m.run("reattach", NIC).code(), "giving it back needs no force");
  }

  @Test
  void otherDevicesAndUnusedOnesAreNotHeldBack() {
    eth0UpWithARoute();
    assertEquals(0, m.run("set-override", VIRTIO, "vfio-pci").code());
    m.kernel.addFile("/sys/class/net/eth0/flags", "0x1002");
    m.write("proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n");
    Result r = m.run("set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), "an interface that is down, without addresses or routes, is not in use: " + r);
  }

  @Test
  void theRootDiskOfAFakeRootIsRefused() throws Exception {
    String sata = "0000:00:1f.2";
    FakeRoot fake = new FakeRoot(Files.createDirectories(root.resolve("fake")));
    fake.device(sata, 0x8086, 0x2922, 0x010601, "(null)", "ahci")
        .blockDevice("pci0000:00/" + sata + "/ata1/host0/target0:0:0/0:0:0:0/block/sda", "8:0")
        .partition("pci0000:00/" + sata + "/ata1/host0/target0:0:0/0:0:0:0/block/sda", "sda1", "8:1", 1)
        .file("proc/self/mountinfo", "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n");
    Result r = fake.run("--dry-run", "set-override", sata, "vfio-pci");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: " + sata + " is in use: its disk sda holds the root file system"), r::toString);
    assertTrue(fake.run("--dry-run", "--force", "set-override", sata, "vfio-pci").out()
        .contains("write /sys/bus/pci/devices/" + sata + "/driver/unbind " + sata + "\n"));
  }

  @Test
  void theRootDiskOnANativeMultipathNvmeNamespaceIsRefused() throws Exception {
    String nvme = "0000:00:0e.0";
    String head = "virtual/nvme-subsystem/nvme-subsys0/nvme0n1";
    FakeRoot fake = new FakeRoot(Files.createDirectories(root.resolve("fake")));
    fake.device(nvme, 0x1b36, 0x0010, 0x010802, "(null)", "nvme")
        .nvmeController("pci0000:00/" + nvme, "nvme0", "nvme-subsys0")
        .blockDevice(head, "259:0").partition(head, "nvme0n1p1", "259:1", 1)
        .file("proc/self/mountinfo", "22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p1 rw\n");
    Result r = fake.run("detach", nvme, "--driver", "vfio-pci");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: " + nvme + " is in use: its disk nvme0n1 of NVMe subsystem nvme-subsys0"
        + " holds the root file system"), r::toString);
    Result status = fake.run("status", nvme);
    assertTrue(status.out().contains("nvme0n1 of NVMe subsystem nvme-subsys0 holds the root file system"), status.out() + status.err());
  }
}
