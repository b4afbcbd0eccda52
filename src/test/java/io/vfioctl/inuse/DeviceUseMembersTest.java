package io.vfioctl.inuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.host.Host;
import io.vfioctl.testing.FakeRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disks in use that leave no trace in holders/ or that the mount table hides. */
class DeviceUseMembersTest {
  static final String DISK = "0000:00:04.0";
  static final String DISK2 = "0000:00:05.0";
  static final String NVME = "0000:00:0e.0";
  static final String VDA = "pci0000:00/" + DISK + "/virtio1/block/vda";
  static final String VDB = "pci0000:00/" + DISK2 + "/virtio2/block/vdb";

  @TempDir Path root;
  FakeRoot fake;

  @BeforeEach
  void layOut() throws IOException {
    fake = new FakeRoot(root).device(DISK, 0x1af4, 0x1001, 0x010000, "(null)", "virtio-pci")
        .device(DISK2, 0x1af4, 0x1001, 0x010000, "(null)", "virtio-pci")
        .device(NVME, 0x144d, 0xa824, 0x010802, "(null)", "nvme");
  }

  List<String> uses(String address) {
    DevicePaths device = DevicePaths.of(new DeviceName("pci", address), Optional.empty());
    return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> new DeviceUse(Host.at(root)).uses(device));
  }

  /**
   * The kernel escapes only space, tab, newline and backslash in mountinfo; a carriage return in a
   * mount point (a USB stick's label under /media, any mkdir) is written raw. String.lines() splits
   * on it, both halves are skipped as unparsable, and the mounted disk passes for unused.
   */
  @Test
  void aCarriageReturnInAMountPointDoesNotHideTheMount() throws IOException {
    fake.blockDevice(VDA, "254:0").partition(VDA, "vda1", "254:1", 1)
        .file("proc/self/mountinfo", "27 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/root rw\n"
            + "40 27 254:1 / /media/u/USB\rSTICK rw,nosuid shared:9 - vfat /dev/vda1 rw\n");
    assertFalse(uses(DISK).isEmpty(), "vda1 is mounted on /media/u/USB<CR>STICK");
  }

  /**
   * ZFS (Proxmox's default root, the typical VFIO host) opens its vdevs without holders/ links
   * and mountinfo names the dataset, not the disk: the root pool's disk passes for unused.
   */
  @Test
  void aZfsPoolMemberIsInUse() throws IOException {
    fake.blockDevice(VDA, "254:0").partition(VDA, "vda3", "254:3", 3)
        .file("proc/self/mountinfo", "27 1 0:25 / / rw,relatime shared:1 - zfs rpool/ROOT/pve-1 rw,xattr,noacl\n")
        .file("run/udev/data/b254:3", "S:disk/by-partuuid/1c2d\nE:ID_FS_TYPE=zfs_member\nE:ID_FS_LABEL=rpool\n");
    assertEquals(List.of("its disk vda is a ZFS pool member (udev says so; ZFS keeps no holders) (vda3)"), uses(DISK));
  }

  /**
   * A btrfs file system over two disks: mountinfo names one device (and an anonymous 0:N number);
   * the second is listed only in /sys/fs/btrfs/FSID/devices/.
   */
  @Test
  void theSecondDiskOfAMultiDeviceBtrfsIsInUse() throws IOException {
    fake.blockDevice(VDA, "254:0").partition(VDA, "vda1", "254:1", 1)
        .blockDevice(VDB, "254:16").partition(VDB, "vdb1", "254:17", 1)
        .link("sys/fs/btrfs/5f1e/devices/vda1", "../../../../devices/" + VDA + "/vda1")
        .link("sys/fs/btrfs/5f1e/devices/vdb1", "../../../../devices/" + VDB + "/vdb1")
        .file("proc/self/mountinfo", "27 1 0:31 /@ / rw,relatime shared:1 - btrfs /dev/vda1 rw,space_cache=v2\n");
    assertFalse(uses(DISK).isEmpty());
    assertEquals(List.of("its disk vdb is a member of the btrfs file system 5f1e (vdb1)"), uses(DISK2),
        "vdb1 is the second device of the root btrfs");
  }
}
