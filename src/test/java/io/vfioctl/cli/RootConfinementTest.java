package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.FakeRootTest;
import io.vfioctl.testing.TestMachine.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --root DIR} confines like {@code systemctl --root}: absolute links resolve inside DIR,
 * {@code ..} stops at DIR, and nothing outside DIR is read or written. Every "outside" file here
 * is a sibling of the root in a temporary directory, never a file of this machine.
 */
class RootConfinementTest extends FakeRootTest {
  Path outside;

  @BeforeEach
  void outside() throws IOException {
    outside = Files.createDirectories(base.resolve("outside"));
  }

  Path outsideFile(String name, String content) throws IOException {
    return Files.writeString(outside.resolve(name), content);
  }

  /** Replaces whatever is at {@code link} (a whole directory tree too) with a symbolic link. */
  static void link(Path link, Path target) throws IOException {
    if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
      try (var tree = Files.walk(link)) {
        for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, target);
  }

  /** A relative target that climbs far above the root and then names {@code target}. */
  static Path climbingTo(Path target) {
    return Path.of("../".repeat(40) + target.toString().substring(1));
  }

  @Test
  void writeThroughAnAbsoluteDriverOverrideLinkStaysInside() throws IOException {
    Path victim = outsideFile("victim", "keep\n");
    link(f.deviceDir(NIC).resolve("driver_override"), victim);
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals("keep\n", Files.readString(victim), r::toString);
  }

  @Test
  void writeThroughAClimbingDriverOverrideLinkStopsAtTheRoot() throws IOException {
    Path victim = outsideFile("victim", "keep\n");
    link(f.deviceDir(NIC).resolve("driver_override"), climbingTo(victim));
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals("keep\n", Files.readString(victim), r::toString);
  }

  @Test
  void unbindThroughAnAbsoluteDriverLinkStaysInside() throws IOException {
    Path driver = Files.createDirectories(outside.resolve("e1000"));
    Path unbind = Files.writeString(driver.resolve("unbind"), "keep\n");
    link(f.deviceDir(NIC).resolve("driver"), driver);
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals("keep\n", Files.readString(unbind), r::toString);
  }

  @Test
  void deviceDirectoryLinkedOutsideIsNotTheDevice() throws IOException {
    Path dev = Files.createDirectories(outside.resolve(NIC));
    Path override = Files.writeString(dev.resolve("driver_override"), "keep\n");
    link(f.root.resolve("sys/bus/pci/devices/" + NIC), dev);
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals("keep\n", Files.readString(override), r::toString);
    assertEquals(1, r.code(), r::toString);
  }

  @Test
  void savedOverridesLinkedOutsideAreNeitherWrittenNorRead() throws IOException {
    Path conf = Files.createDirectories(outside.resolve("driverctl.d"));
    Files.writeString(conf.resolve("pci-0000:00:09.0"), "outside-driver\n");
    link(f.root.resolve("etc/driverctl.d"), conf);
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    try (var files = Files.list(conf)) {
      assertEquals(List.of(conf.resolve("pci-0000:00:09.0")), files.toList(), "nothing written outside the root");
    }
    Path inside = f.root.resolve(conf.toString().substring(1));
    assertEquals("vfio-pci\n", Files.readString(inside.resolve("pci-" + NIC)), "the link's target, re-rooted");
    Result list = f.run("list-persisted");
    assertEquals(NIC + " vfio-pci\n", list.out(), list::toString);
  }

  @Test
  void savedOverridesBehindAClimbingLinkStayInside() throws IOException {
    Path conf = Files.createDirectories(outside.resolve("driverctl.d"));
    link(f.root.resolve("etc/driverctl.d"), climbingTo(conf));
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    try (var files = Files.list(conf)) {
      assertEquals(List.of(), files.toList(), r::toString);
    }
  }

  @Test
  void lockFileLinkedOutsideIsNotCreated() throws IOException {
    Path lock = outside.resolve("vfioctl.lock");
    link(f.root.resolve("run/vfioctl.lock"), lock);
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertFalse(Files.exists(lock), "lock created outside the root");
  }

  @Test
  void lockFileLinkedToAFileOutsideLeavesItAlone() throws IOException {
    Path victim = outsideFile("victim", "keep\n");
    link(f.root.resolve("run/vfioctl.lock"), victim);
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals("keep\n", Files.readString(victim), r::toString);
  }

  @Test
  void journalLinkedOutsideIsNeitherReadNorWritten() throws IOException {
    Path journal = Files.createDirectories(outside.resolve("vfioctl/journal"));
    Path entry = Files.writeString(journal.resolve("pci-0000:00:09.0"), "not a journal entry\n");
    link(f.root.resolve("run/vfioctl"), outside.resolve("vfioctl"));
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    try (var files = Files.list(journal)) {
      assertEquals(List.of(entry), files.toList(), "recovery discarded or wrote a file outside the root");
    }
  }

  @Test
  void runDirectoryLinkedOutsideGetsNoLock() throws IOException {
    link(f.root.resolve("run"), outside);
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertFalse(Files.exists(outside.resolve("vfioctl.lock")), "lock created outside the root");
  }

  @Test
  void modaliasLinkedOutsideIsNotPrinted() throws IOException {
    Path secret = outsideFile("shadow", "root:SECRET-HASH:19000:0:99999:7:::\n");
    link(f.deviceDir(NIC).resolve("modalias"), secret);
    Result r = f.run("vfio-driver", NIC, "--json");
    assertFalse((r.out() + r.err()).contains("SECRET"), r::toString);
    Result list = f.run("list-devices", "--json");
    assertFalse((list.out() + list.err()).contains("SECRET"), list::toString);
  }

  @Test
  void modulesAliasAndKernelReleaseLinkedOutsideAreNotRead() throws IOException {
    Path aliases = outsideFile("modules.alias", "alias vfio_pci:v*d*sv*sd*bc*sc*i* outside_mod\n");
    link(f.root.resolve("lib/modules/6.12.0-fake/modules.alias"), aliases);
    Result r = f.run("vfio-driver", NIC);
    assertFalse((r.out() + r.err()).contains("outside_mod"), r::toString);

    outsideFile("osrelease", "9.9.9-outside\n");
    Files.createDirectories(outside.resolve("lib/modules/9.9.9-outside"));
    outsideFile("lib/modules/9.9.9-outside/modules.alias", "alias vfio_pci:v*d*sv*sd*bc*sc*i* outside_mod\n");
    link(f.root.resolve("proc/sys/kernel/osrelease"), outside.resolve("osrelease"));
    link(f.root.resolve("lib"), outside.resolve("lib"));
    Result other = f.run("vfio-driver", NIC, "--json");
    assertFalse((other.out() + other.err()).contains("outside"), other::toString);
  }

  @Test
  void relativeLinksInsideTheRootWorkAsOnARealSys() throws IOException {
    assertTrue(Files.isSymbolicLink(f.root.resolve("sys/bus/pci/devices/" + NIC)));
    Result list = f.run("list-devices");
    assertEquals(NIC + " e1000\n", list.out(), list::toString);
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfio-pci\n", Files.readString(f.deviceDir(NIC).resolve("driver_override")));
    assertEquals(NIC + "\n", Files.readString(f.root.resolve("sys/bus/pci/drivers/e1000/unbind")));
    assertEquals("vfio-pci\n", Files.readString(f.root.resolve("etc/driverctl.d/pci-" + NIC)));
  }

  @Test
  void absoluteLinksInsideTheRootAreResolvedAsIfTheRootWereSlash() throws IOException {
    // Read-only on purpose: without confinement this link would point at this machine's /sys.
    Path dir = f.root.resolve("sys/devices/vfioctl-test/" + NIC);
    Files.createDirectories(dir.getParent());
    Files.move(f.deviceDir(NIC), dir);
    link(f.root.resolve("sys/bus/pci/devices/" + NIC), Path.of("/sys/devices/vfioctl-test/" + NIC));
    link(dir.resolve("driver"), Path.of("/sys/bus/pci/drivers/e1000"));
    Result list = f.run("list-devices");
    assertEquals(NIC + " e1000\n", list.out(), list::toString);
  }
}
