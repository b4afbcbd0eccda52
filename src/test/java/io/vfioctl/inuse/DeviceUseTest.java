package io.vfioctl.inuse;

import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.host.Host;
import io.vfioctl.testing.FakeRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule of {@link DeviceUse} on a root laid out as a real machine's. */
class DeviceUseTest {
  static final String NIC2 = "0000:00:06.0";
  static final String VIRTIO_DISK = "0000:00:04.0";
  static final String SATA = "0000:00:1f.2";
  static final String NVME = "0000:00:0e.0";
  static final String GPU = "0000:00:01.0";

  /** /proc/net/route as the kernel writes it (padded lines, tab separated), for 192.0.2.0/24 via eth0. */
  static final String ROUTE_HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT"
      + "                                                       \n";

  static String route(String iface, String destination, String gateway, String flags, String mask) {
    return iface + "\t" + destination + "\t" + gateway + "\t" + flags + "\t0\t0\t0\t" + mask
        + "\t0\t0\t0                                                                               \n";
  }

  @TempDir Path root;
  FakeRoot fake;

  @BeforeEach
  void layOut() throws IOException {
    fake = new FakeRoot(root);
    for (String d : List.of(NIC, NIC2, VIRTIO_DISK, SATA, NVME, GPU)) {
      fake.device(d, 0x8086, 0x100e, 0x020000, "(null)", null);
    }
  }

  List<String> uses(String address) {
    return new DeviceUse(Host.at(root)).uses(DevicePaths.of(new DeviceName("pci", address), Optional.empty()));
  }

  @Test
  void anUnusedDeviceHasNoUses() {
    assertEquals(List.of(), uses(NIC));
  }

  @Nested
  class Interfaces {
    @Test
    void anInterfaceThatIsUpWithRoutesIsInUse() throws IOException {
      fake.netInterface("pci0000:00/" + NIC + "/net/eth0", "0x1003")
          .file("proc/net/route", ROUTE_HEADER + route("eth0", "00000000", "010200C0", "0003", "00000000")
              + route("eth0", "000200C0", "00000000", "0001", "00FFFFFF"));
      assertEquals(List.of("its interface eth0 is up with routes default via 192.0.2.1, 192.0.2.0/24"), uses(NIC));
    }

    @Test
    void anInterfaceBehindAVirtioDeviceIsFoundThroughItsPath() throws IOException {
      fake.netInterface("pci0000:00/" + NIC + "/virtio1/net/eth0", "0x1003");
      assertEquals(List.of("its interface eth0 is up"), uses(NIC));
      assertEquals(List.of(), uses(NIC2));
    }

    @Test
    void anInterfaceThatIsDownWithNothingIsUnused() throws IOException {
      fake.netInterface("pci0000:00/" + NIC + "/net/eth1", "0x1002")
          .file("proc/net/route", ROUTE_HEADER + route("eth0", "000200C0", "00000000", "0001", "00FFFFFF"));
      assertEquals(List.of(), uses(NIC));
    }

    @Test
    void anIpv6AddressAndRouteCountEvenWhenDownButLinkLocalOnesDoNot() throws IOException {
      fake.netInterface("pci0000:00/" + NIC + "/net/eth2", "0x1002")
          .file("proc/net/if_inet6", "fd000000000000000000000000000002 04 40 00 82     eth2\n"
              + "00000000000000000000000000000001 01 80 10 80       lo\n"
              + "fe8000000000000000fc00fffe000001 04 40 20 80     eth2\n")
          .file("proc/net/ipv6_route",
              "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
              + "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth2\n"
              + "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
              + "00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth2\n"
              + "fd000000000000000000000000000002 80 00000000000000000000000000000000 00 "
              + "00000000000000000000000000000000 00000000 00000004 00000000 80200001     eth2\n");
      assertEquals(List.of("its interface eth2 is down with fd00::2/64 (route fd00::/64)"), uses(NIC));
    }

    @Test
    void anInterfaceWithOnlyALinkLocalAddressIsUnusedWhenDown() throws IOException {
      fake.netInterface("pci0000:00/" + NIC + "/net/eth2", "0x1002")
          .file("proc/net/if_inet6", "fe8000000000000000fc00fffe000001 04 40 20 80     eth2\n");
      assertEquals(List.of(), uses(NIC));
    }

    /** Interface {@code lower} of {@code device} with a virtual {@code upper} on top, enslaved or not. */
    FakeRoot stack(String device, String lower, String lowerFlags, String upper, String upperFlags, boolean enslaved)
        throws IOException {
      return fake.netInterface("pci0000:00/" + device + "/net/" + lower, lowerFlags)
          .netInterface("virtual/net/" + upper, upperFlags).stacked(lower, upper, enslaved);
    }

    @Test
    void aBondSlaveIsInUseThroughItsBond() throws IOException {
      stack(NIC, "eth3", "0x1803", "bond0", "0x1403", true).file("proc/net/route", ROUTE_HEADER + route("bond0", "0000010A", "00000000", "0001", "0000FFFF"));
      assertEquals(List.of("its interface eth3 is enslaved to bond0, which is up with route 10.1.0.0/16"), uses(NIC));
    }

    @Test
    void aBridgePortIsInUseThroughItsBridgeButNotWhenTheBridgeIsDown() throws IOException {
      stack(NIC, "eth4", "0x1002", "br0", "0x1003", true);
      stack(NIC2, "eth6", "0x1002", "br1", "0x1002", true);
      assertEquals(List.of("its interface eth4 is enslaved to br0, which is up"), uses(NIC));
      assertEquals(List.of(), uses(NIC2));
    }

    @Test
    void aVlanOnTopSaysWhatTheVlanCarries() throws IOException {
      stack(NIC, "eth5", "0x1003", "eth5.100", "0x1003", false).file("proc/net/if_inet6", "fd000100000000000000000000000005 07 40 00 80 eth5.100\n");
      assertEquals(List.of("its interface eth5 carries eth5.100, which is up with fd00:100::5/64"), uses(NIC));
    }

    @Test
    void aLoopOfUpperLinksEnds() throws IOException {
      stack(NIC, "eth0", "0x1002", "bond0", "0x1002", true).stacked("bond0", "eth0", false);
      assertEquals(List.of(), uses(NIC));
    }

    @Test
    void withoutFlagsTheOperstateSays() throws IOException {
      fake.netInterface("pci0000:00/" + NIC + "/net/eth0", "garbage")
          .file("sys/class/net/eth0/operstate", "up\n");
      assertEquals(List.of("its interface eth0 is up"), uses(NIC));
    }
  }

  @Nested
  class Disks {
    static final String VDA = "pci0000:00/" + VIRTIO_DISK + "/virtio1/block/vda";
    static final String SDA = "pci0000:00/" + SATA + "/ata1/host0/target0:0:0/0:0:0:0/block/sda";
    static final String NVME0N1 = "pci0000:00/" + NVME + "/nvme/nvme0/nvme0n1";

    @Test
    void aPartitionHoldingTheRootFileSystemIsNamedSo() throws IOException {
      fake.blockDevice(VDA, "254:0").partition(VDA, "vda1", "254:1", 1)
          .file("proc/self/mountinfo", "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
              + "27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,discard\n"
              + "31 27 254:1 /var/lib /srv rw,relatime shared:1 - ext4 /dev/vda1 rw,discard\n");
      assertEquals(List.of("its disk vda holds the root file system (vda1)", "its disk vda is mounted on /srv (vda1)"),
          uses(VIRTIO_DISK));
    }

    @Test
    void aSwapPartitionIsInUseAndAnUnmountedOneIsNot() throws IOException {
      fake.blockDevice(SDA, "8:0").partition(SDA, "sda1", "8:1", 1).partition(SDA, "sda2", "8:2", 2)
          .file("proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
              + "/dev/sda2                               partition\t1048572\t\t0\t\t-2\n")
          .file("proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
      assertEquals(List.of("its disk sda is used as swap (sda2)"), uses(SATA));
    }

    @Test
    void theRootFileSystemOnANativeMultipathNamespaceIsFoundThroughItsSubsystem() throws IOException {
      // nvme_core.multipath=Y: the namespace lives under the subsystem, which lists the controller.
      String head = "virtual/nvme-subsystem/nvme-subsys0/nvme0n1";
      fake.nvmeController("pci0000:00/" + NVME, "nvme0", "nvme-subsys0")
          .blockDevice("pci0000:00/" + NVME + "/nvme/nvme0/nvme0c0n1", "259:9")
          .blockDevice(head, "259:0").partition(head, "nvme0n1p2", "259:2", 2)
          .file("proc/self/mountinfo", "27 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n");
      assertEquals(List.of("its disk nvme0n1 of NVMe subsystem nvme-subsys0 holds the root file system (nvme0n1p2)"),
          uses(NVME));
      assertEquals(List.of(), uses(SATA), "another device's subsystem is not this one's");
    }

    /** nvme0n1p{@code number}, held by device-mapper device {@code dm} called {@code name}. */
    FakeRoot mapped(int number, String dm, String name) throws IOException {
      String partition = "nvme0n1p" + number;
      return fake.blockDevice(NVME0N1, "259:0").partition(NVME0N1, partition, "259:" + number, number)
          .blockDevice("virtual/block/" + dm, "253:" + dm.substring(3))
          .file("sys/devices/virtual/block/" + dm + "/dm/name", name + "\n")
          .holds(dm, partition);
    }

    @Test
    void aMountThroughDeviceMapperIsFoundByDeviceNumber() throws IOException {
      mapped(1, "dm-0", "vg-home").file("proc/self/mountinfo", "40 27 253:0 / /home rw,relatime shared:30 - xfs /dev/mapper/vg-home rw\n");
      assertEquals(List.of("its disk nvme0n1 is mounted on /home (nvme0n1p1, held by dm-0 (vg-home))"), uses(NVME));
    }

    @Test
    void theRootFileSystemOnDeviceMapperIsFoundByItsMapperName() throws IOException {
      // btrfs shows an anonymous device number: only the source names the device.
      mapped(2, "dm-1", "vg-root").file("proc/self/mountinfo", "27 1 0:31 /@ / rw,relatime shared:1 - btrfs /dev/mapper/vg-root rw\n"
              + "28 27 0:31 /@home /home\\040dir rw,relatime shared:2 - btrfs /dev/mapper/vg-root rw\n");
      assertEquals(List.of("its disk nvme0n1 holds the root file system (nvme0n1p2, held by dm-1 (vg-root))",
          "its disk nvme0n1 is mounted on /home dir (nvme0n1p2, held by dm-1 (vg-root))"), uses(NVME));
    }

    @Test
    void aDiskInAnArrayIsInUseEvenWhenTheArrayIsNotMounted() throws IOException {
      fake.blockDevice(SDA, "8:0").blockDevice("virtual/block/md0", "9:0")
          .file("sys/devices/virtual/block/md0/md/level", "raid1\n").holds("md0", "sda");
      assertEquals(List.of("its disk sda is held by md0 (raid1)"), uses(SATA));
    }

    @Test
    void aLoopOfHoldersEnds() throws IOException {
      fake.blockDevice(SDA, "8:0").blockDevice("virtual/block/dm-0", "253:0").holds("dm-0", "sda").holds("sda", "dm-0");
      assertEquals(List.of("its disk sda is held by dm-0"), uses(SATA));
    }
  }

  @Nested
  class Console {
    @BeforeEach
    void bootVga() throws IOException {
      fake.file("sys/devices/pci0000:00/" + GPU + "/boot_vga", "1\n")
          .file("sys/devices/virtual/vtconsole/vtcon0/name", "(S) dummy device\n")
          .file("sys/devices/virtual/vtconsole/vtcon0/bind", "0\n")
          .link("sys/class/vtconsole/vtcon0", "../../devices/virtual/vtconsole/vtcon0");
    }

    void fbcon() throws IOException {
      fake.file("sys/devices/virtual/vtconsole/vtcon1/name", "(M) frame buffer device\n")
          .file("sys/devices/virtual/vtconsole/vtcon1/bind", "1\n")
          .link("sys/class/vtconsole/vtcon1", "../../devices/virtual/vtconsole/vtcon1");
    }

    @Test
    void theBootDeviceWithAFirmwareFramebufferConsoleIsInUse() throws IOException {
      fbcon();
      fake.file("sys/devices/platform/efi-framebuffer.0/graphics/fb0/name", "EFI VGA\n")
          .link("sys/class/graphics/fb0", "../../devices/platform/efi-framebuffer.0/graphics/fb0")
          .link("sys/class/graphics/fbcon", "../../devices/virtual/graphics/fbcon")
          .file("proc/fb", "0 EFI VGA\n");
      assertEquals(List.of("it is the boot VGA device and the console's framebuffer (fb0 EFI VGA) uses it"), uses(GPU));
    }

    @Test
    void aFirmwareFramebufferOnlyInProcFbCounts() throws IOException {
      fake.file("proc/fb", "0 simpledrmdrmfb\n");
      assertEquals(List.of("it is the boot VGA device and framebuffer fb0 (simpledrmdrmfb) uses it"), uses(GPU));
    }

    @Test
    void theDevicesOwnFramebufferCounts() throws IOException {
      fbcon();
      fake.file("sys/devices/pci0000:00/" + GPU + "/graphics/fb0/name", "amdgpudrmfb\n")
          .link("sys/class/graphics/fb0", "../../devices/pci0000:00/" + GPU + "/graphics/fb0");
      assertEquals(List.of("it is the boot VGA device and the console's framebuffer (fb0 amdgpudrmfb) uses it"),
          uses(GPU));
    }

    @Test
    void theVgaTextConsoleCounts() throws IOException {
      fake.file("sys/devices/virtual/vtconsole/vtcon0/name", "(S) VGA+\n")
          .file("sys/devices/virtual/vtconsole/vtcon0/bind", "1\n");
      assertEquals(List.of("it is the boot VGA device and the VGA text console uses it"), uses(GPU));
    }

    @Test
    void theBootDeviceWithoutAFramebufferIsUnused() {
      assertEquals(List.of(), uses(GPU));
    }

    @Test
    void anotherDevicesFramebufferDoesNotCount() throws IOException {
      fbcon();
      fake.file("sys/devices/pci0000:00/" + NIC + "/graphics/fb0/name", "amdgpudrmfb\n")
          .link("sys/class/graphics/fb0", "../../devices/pci0000:00/" + NIC + "/graphics/fb0")
          .file("proc/fb", "0 amdgpudrmfb\n");
      assertEquals(List.of(), uses(GPU));
    }

    @Test
    void aDeviceThatIsNotTheBootDeviceIgnoresFirmwareFramebuffers() throws IOException {
      fbcon();
      fake.file("proc/fb", "0 EFI VGA\n").file("sys/devices/pci0000:00/" + NIC + "/boot_vga", "0\n");
      assertEquals(List.of(), uses(NIC));
    }
  }

  @Nested
  class VirtualFunctions {
    static final String PF = "0000:02:00.0";
    static final String VF0 = "0000:02:10.0";
    static final String VF1 = "0000:02:10.2";

    @Test
    void aPfWhoseVfIsBoundToVfioIsInUse() throws IOException {
      fake.device(PF, 0x8086, 0x10fb, 0x020000, "(null)", "ixgbe")
          .device(VF0, 0x8086, 0x10ed, 0x020000, "vfio-pci", "vfio-pci")
          .device(VF1, 0x8086, 0x10ed, 0x020000, "(null)", "ixgbevf")
          .file("sys/devices/pci0000:00/" + PF + "/sriov_numvfs", "2\n")
          .link("sys/devices/pci0000:00/" + PF + "/virtfn0", "../" + VF0)
          .link("sys/devices/pci0000:00/" + PF + "/virtfn1", "../" + VF1)
          .file("sys/devices/pci0000:00/" + VF0 + "/vfio-dev/vfio0/dev", "511:0\n");
      assertEquals(List.of("its VF " + VF0 + " is bound to vfio-pci"), uses(PF));
      assertEquals(List.of(), uses(VF1));
    }

    @Test
    void aPfWithoutVfsOrWithAHostileCountIsUnused() throws IOException {
      fake.device(PF, 0x8086, 0x10fb, 0x020000, "(null)", "ixgbe")
          .file("sys/devices/pci0000:00/" + PF + "/sriov_numvfs", "99999999999\n")
          .link("sys/devices/pci0000:00/" + PF + "/virtfn0", "../../../etc");
      assertEquals(List.of(), uses(PF));
    }
  }
}
