package io.vfioctl.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.bench.HostGenerator;
import io.vfioctl.host.Host;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.sysfs.RootSysfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SriovNumberingTest {
  @TempDir Path tmp;

  /** The numbering from sriov_offset and sriov_stride gives each VF the index its PF's virtfn link does. */
  @Test
  void aVfsIndexByNumberingIsItsVirtfnLinksIndex() throws Exception {
    Path root = tmp.resolve("host");
    Path aliases = Path.of(getClass().getResource("/io/vfioctl/fixtures/debian-6.12.95+deb12-amd64-modules.alias").toURI());
    HostGenerator.generate(root, 400, 7, aliases, false);
    Host host = new Host(root, new RootSysfs(new ConfinedRoot(root)), new io.vfioctl.host.RecordedModules());
    Sriov sriov = new Sriov(host);
    int checked = 0;
    for (String pf : host.sysfs().list("/sys/bus/pci/devices")) {
      String dir = "/sys/bus/pci/devices/" + pf;
      List<String> vfs = sriov.virtfns(dir);
      if (vfs.isEmpty()) {
        continue;
      }
      Optional<Sriov.Numbering> numbering = sriov.numbering(dir, pf);
      assertTrue(numbering.isPresent(), pf);
      for (int i = 0; i < vfs.size(); i++) {
        assertEquals(OptionalInt.of(i), numbering.get().indexOf(vfs.get(i)), pf + " virtfn" + i);
        checked++;
      }
      assertEquals(OptionalInt.empty(), numbering.get().indexOf(pf), "the PF is none of its VFs");
    }
    assertTrue(checked > 100, "VFs checked: " + checked);
  }

  @Test
  void aVfBeyondTheEnabledOnesOrOffTheStrideHasNoIndex() {
    // PF 0000:3b:00.0 (routing ID 0x3b00), first VF at offset 2, stride 2, 3 VFs: 3b:00.2, 3b:00.4, 3b:00.6
    Sriov.Numbering n = new Sriov.Numbering(0, 0x3b00, 2, 2, 3);
    assertEquals(OptionalInt.of(0), n.indexOf("0000:3b:00.2"));
    assertEquals(OptionalInt.of(2), n.indexOf("0000:3b:00.6"));
    assertEquals(OptionalInt.empty(), n.indexOf("0000:3b:00.3"), "between two VFs");
    assertEquals(OptionalInt.empty(), n.indexOf("0000:3b:01.0"), "the fourth, not enabled");
    assertEquals(OptionalInt.empty(), n.indexOf("0001:3b:00.2"), "another domain");
    assertEquals(OptionalInt.empty(), n.indexOf("0000:3a:07.7"), "before the PF");
    assertEquals(OptionalInt.empty(), n.indexOf("not-an-address"));
  }

  @Test
  void withoutOffsetAndStrideThereIsNoNumbering() throws Exception {
    Path root = tmp.resolve("old");
    Path pf = Files.createDirectories(root.resolve("sys/bus/pci/devices/0000:3b:00.0"));
    Files.writeString(pf.resolve("sriov_numvfs"), "2\n");
    Files.writeString(pf.resolve("sriov_stride"), "1\n");
    Host host = new Host(root, new RootSysfs(new ConfinedRoot(root)), new io.vfioctl.host.RecordedModules());
    assertEquals(Optional.empty(), new Sriov(host).numbering("/sys/bus/pci/devices/0000:3b:00.0", "0000:3b:00.0"));
    Files.writeString(pf.resolve("sriov_offset"), "1\n");
    Files.writeString(pf.resolve("sriov_stride"), "0\n");
    assertEquals(Optional.empty(), new Sriov(host).numbering("/sys/bus/pci/devices/0000:3b:00.0", "0000:3b:00.0"),
        "a stride of 0 numbers nothing");
  }
}
