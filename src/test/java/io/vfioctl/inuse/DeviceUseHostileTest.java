package io.vfioctl.inuse;

import static io.vfioctl.testing.HostileFiles.fifo;
import static io.vfioctl.testing.HostileFiles.huge;
import static io.vfioctl.testing.TestMachine.NIC;
import static java.nio.file.StandardOpenOption.APPEND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.host.Host;
import io.vfioctl.testing.FakeRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a hostile root holds never makes {@link DeviceUse} fail, hang or read outside the root. */
class DeviceUseHostileTest {
  static final String DISK = "0000:00:04.0";
  static final String VDA = "pci0000:00/" + DISK + "/virtio1/block/vda";

  @TempDir Path root;
  @TempDir Path outside;
  FakeRoot fake;

  @BeforeEach
  void layOut() throws IOException {
    fake = new FakeRoot(root).device(NIC, 0x8086, 0x100e, 0x020000, "(null)", "e1000")
        .device(DISK, 0x1af4, 0x1001, 0x010000, "(null)", "virtio-pci");
    fake.blockDevice(VDA, "254:0").partition(VDA, "vda1", "254:1", 1);
  }

  List<String> uses(String address) {
    DevicePaths device = DevicePaths.of(new DeviceName("pci", address), Optional.empty());
    return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> new DeviceUse(Host.at(root)).uses(device));
  }

  @Test
  void aHugeMountTableLeavesTheDiskInDoubt() throws IOException {
    huge(root.resolve("proc/self/mountinfo"));
    assertEquals(List.of("its disk vda may be in use: /proc/self/mountinfo cannot be read (larger than 4 MiB, too"
        + " large for a mount table)"), uses(DISK));
  }

  @Test
  void aFifoAsTheSwapListLeavesTheDiskInDoubtWithoutBlocking() throws Exception {
    fifo(root.resolve("proc/swaps"));
    fake.file("proc/self/mountinfo", "27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n");
    assertEquals(List.of("its disk vda holds the root file system (vda1)",
        "its disk vda may be in use: /proc/swaps cannot be read (a FIFO, not a regular file)"), uses(DISK));
  }

  @Test
  void binaryGarbageInProcIsSkipped() throws IOException {
    fake.netInterface("pci0000:00/" + NIC + "/net/eth0", "0x1003")
        .file("sys/devices/pci0000:00/" + NIC + "/boot_vga", "1\n");
    byte[] garbage = new byte[64 << 10];
    new Random(42).nextBytes(garbage);
    for (String f : List.of("proc/self/mountinfo", "proc/swaps", "proc/net/route", "proc/net/ipv6_route",
        "proc/net/if_inet6", "proc/fb")) {
      Files.createDirectories(root.resolve(f).getParent());
      Files.write(root.resolve(f), garbage);
    }
    // Lines nearly in shape: a separator with too few fields after it, a trailing backslash, bad hex.
    Files.writeString(root.resolve("proc/self/mountinfo"), "1 2 254:1 / / rw -\n3 4 254:9 / /x\\04 rw - ext4 /dev/sdz rw\n",
        APPEND);
    Files.writeString(root.resolve("proc/net/route"), "eth0\tZZ0200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n",
        APPEND);
    Files.writeString(root.resolve("proc/net/if_inet6"), "fd00 04 40 00 80 eth0\n\n", APPEND);
    Files.writeString(root.resolve("proc/fb"), "0\n 1\nx EFI VGA\n", APPEND);
    assertEquals(List.of("its interface eth0 is up"), uses(NIC));
    assertEquals(List.of(), uses(DISK));
  }

  @Test
  void linksLeavingTheRootAreNotFollowed() throws IOException {
    assertEquals(root.getParent(), outside.getParent(), "two temporary directories side by side");
    String evil = outside.getFileName() + "/pci0000:00/" + NIC + "/net/evil";
    Files.writeString(Files.createDirectories(outside.getParent().resolve(evil)).resolve("flags"), "0x1003\n");
    fake.link("sys/class/net/evil", "../../../../" + evil);
    assertEquals(List.of(), uses(NIC), "the link's target is looked for inside the root, where it is missing");
    Files.writeString(Files.createDirectories(root.resolve(evil)).resolve("flags"), "0x1003\n");
    assertEquals(List.of("its interface evil is up"), uses(NIC), "... and found there when the root holds it");
  }

  @Test
  void aFifoAsAnAttributeCountsAsMissing() throws Exception {
    fake.netInterface("pci0000:00/" + NIC + "/net/eth0", "0x1003").file("sys/class/net/eth0/operstate", "down\n");
    fifo(root.resolve("sys/class/net/eth0/flags"));
    assertEquals(List.of(), uses(NIC));
  }

  @Test
  void namesFromTheRootAreEscaped() throws IOException {
    fake.netInterface("pci0000:00/" + NIC + "/net/eth\u202e0", "0x1003");
    fake.file("proc/self/mountinfo", "40 27 254:1 / /mnt/\u001b[2Jx rw - ext4 /dev/vda1 rw\n");
    assertEquals(List.of("its interface eth\\u202e0 is up"), uses(NIC));
    assertEquals(List.of("its disk vda is mounted on /mnt/\\x1b[2Jx (vda1)"), uses(DISK));
  }
}
