package io.vfioctl.sysfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfinedRootTest {
  @TempDir Path base;
  Path dir;
  ConfinedRoot root;

  @BeforeEach
  void root() throws IOException {
    dir = Files.createDirectories(base.resolve("root"));
    root = new ConfinedRoot(dir);
  }

  Path mkdirs(String relative) throws IOException {
    return Files.createDirectories(dir.resolve(relative));
  }

  void link(String relative, String target) throws IOException {
    Files.createDirectories(dir.resolve(relative).getParent());
    Files.createSymbolicLink(dir.resolve(relative), Path.of(target));
  }

  @Test
  void plainPathsAreBelowTheRoot() throws IOException {
    assertEquals(dir.resolve("sys/bus/pci"), root.resolve("/sys/bus/pci"));
    assertEquals(dir, root.resolve("/"));
    assertEquals(dir.resolve("a/b"), root.resolve("//a/./b/"), "empty and . components are skipped");
  }

  @Test
  void relativeLinksResolveAsTheKernelWould() throws IOException {
    mkdirs("sys/devices/pci0000:00/0000:00:02.0");
    link("sys/bus/pci/devices/0000:00:02.0", "../../../devices/pci0000:00/0000:00:02.0");
    assertEquals(dir.resolve("sys/devices/pci0000:00/0000:00:02.0/driver_override"),
        root.resolve("/sys/bus/pci/devices/0000:00:02.0/driver_override"));
  }

  @Test
  void aFileInADirectoryWalkedBeforeIsFoundAsByAWalk() throws IOException {
    mkdirs("sys/devices/d/sub");
    mkdirs("outside");
    Files.writeString(dir.resolve("sys/devices/d/vendor"), "0x8086\n");
    link("sys/devices/d/driver", "/outside");
    link("sys/devices/d/up", "../../../../../..");
    assertArrayEquals("0x8086\n".getBytes(), root.read("/sys/devices/d/vendor", SizeLimit.kib(4, "test")));
    // The directory is now known: what lies in it still resolves, links and all, inside the root.
    assertArrayEquals("0x8086\n".getBytes(), root.read("/sys/devices/d/vendor", SizeLimit.kib(4, "test")));
    assertEquals(dir.resolve("outside"), root.resolve("/sys/devices/d/driver"));
    assertEquals(dir.resolve("sys/devices/d/driver"), root.resolveNoFollow("/sys/devices/d/driver"));
    assertEquals(dir, root.resolve("/sys/devices/d/up"));
    assertEquals(dir.resolve("sys/devices/d/sub"), root.resolve("/sys/devices/d/sub"));
    assertEquals(dir.resolve("sys/devices"), root.resolve("/sys/devices/d/.."));
    assertEquals(dir.resolve("sys/devices/d/missing"), root.resolve("/sys/devices/d/missing"));
  }

  @Test
  void absoluteLinksStartAgainAtTheRoot() throws IOException {
    mkdirs("real/x");
    link("a/b", "/real");
    assertEquals(dir.resolve("real/x"), root.resolve("/a/b/x"));
  }

  @Test
  void dotDotStopsAtTheRoot() throws IOException {
    mkdirs("etc");
    link("etc/up", "../../../../../../..");
    assertEquals(dir.resolve("tmp"), root.resolve("/etc/up/tmp"));
    assertEquals(dir.resolve("tmp"), root.resolve("/../../tmp"));
  }

  @Test
  void aLastLinkIsFollowedOrLeftAsAsked() throws IOException {
    mkdirs("sys/bus/pci/drivers/e1000");
    link("sys/devices/x/driver", "../../bus/pci/drivers/e1000");
    assertEquals(dir.resolve("sys/bus/pci/drivers/e1000"), root.resolve("/sys/devices/x/driver"));
    assertEquals(dir.resolve("sys/devices/x/driver"), root.resolveNoFollow("/sys/devices/x/driver"));
  }

  @Test
  void missingComponentsAreKeptSoThatOpeningFails() throws IOException {
    link("etc/driverctl.d", "/var/lib/driverctl");
    assertEquals(dir.resolve("var/lib/driverctl/pci-x"), root.resolve("/etc/driverctl.d/pci-x"));
    assertFalse(root.exists("/etc/driverctl.d/pci-x"));
  }

  @Test
  void linkLoopsEndInAnError() throws IOException {
    link("a", "b");
    link("b", "/a");
    assertThrows(FileSystemLoopException.class, () -> root.resolve("/a/x"));
    link("self", "self");
    assertThrows(FileSystemLoopException.class, () -> root.resolve("/self"));
    assertEquals(dir.resolve("self"), root.resolveNoFollow("/self"));
  }

  @Test
  void aLongChainThatEndsIsFine() throws IOException {
    mkdirs("end");
    for (int i = 0; i < ConfinedRoot.MAX_LINK_HOPS; i++) {
      link("l" + i, i + 1 < ConfinedRoot.MAX_LINK_HOPS ? "l" + (i + 1) : "end");
    }
    assertEquals(dir.resolve("end"), root.resolve("/l0"));
  }

  @Test
  void linksTheDirectoryAndItsLastFileTakeTogetherAreLimitedAsOne() throws IOException {
    mkdirs("end");
    int half = ConfinedRoot.MAX_LINK_HOPS / 2;
    for (int i = 0; i < half; i++) {
      link("d" + i, i + 1 < half ? "d" + (i + 1) : "end");
      link("end/f" + i, i + 1 < half + 1 ? "f" + (i + 1) : "file");
    }
    link("end/f" + half, "file");
    assertEquals(dir.resolve("end/x"), root.resolve("/d0/x"), "the directory once remembered");
    assertThrows(FileSystemLoopException.class, () -> root.resolve("/d0/f0"));
    assertThrows(FileSystemLoopException.class, () -> new ConfinedRoot(dir).resolve("/d0/f0"));
  }

  @Test
  void aDirectoryReachedThroughALinkIsWalkedAgainAfterAWrite() throws Exception {
    mkdirs("sys/bus/pci/drivers/e1000");
    mkdirs("sys/bus/pci/drivers/vfio-pci");
    link("sys/devices/x/driver", "../../bus/pci/drivers/e1000");
    assertEquals(dir.resolve("sys/bus/pci/drivers/e1000/unbind"), root.resolve("/sys/devices/x/driver/unbind"));
    Files.delete(dir.resolve("sys/devices/x/driver"));
    link("sys/devices/x/driver", "../../bus/pci/drivers/vfio-pci");
    root.forgetDirectories();
    assertEquals(dir.resolve("sys/bus/pci/drivers/vfio-pci/unbind"), root.resolve("/sys/devices/x/driver/unbind"));

    // Every write to sysfs forgets: it may be the one that moved the link.
    Files.writeString(dir.resolve("sys/bus/pci/drivers/e1000/name"), "e1000\n");
    Files.writeString(dir.resolve("sys/bus/pci/drivers/vfio-pci/name"), "vfio-pci\n");
    Files.writeString(dir.resolve("sys/devices/x/driver_override"), "\n");
    RootSysfs sysfs = new RootSysfs(root);
    assertEquals(java.util.Optional.of("vfio-pci"), sysfs.read("/sys/devices/x/driver/name"));
    Files.delete(dir.resolve("sys/devices/x/driver"));
    link("sys/devices/x/driver", "../../bus/pci/drivers/e1000");
    sysfs.write("/sys/devices/x/driver_override", "e1000");
    assertEquals(java.util.Optional.of("e1000"), sysfs.read("/sys/devices/x/driver/name"));
  }

  @Test
  void theRealRootIsTheKernelsOwnLookup() throws IOException {
    ConfinedRoot slash = new ConfinedRoot(Path.of("/"));
    assertEquals(Path.of("/no/such/dir/file"), slash.resolve("/no/such/dir/file"));
    // A last link is followed, as opening it would: /proc/self is a link to this process's directory.
    Path self = Path.of("/proc/" + ProcessHandle.current().pid());
    assertEquals(self, slash.resolve("/proc/self"));
    assertEquals(Path.of("/proc/self"), slash.resolveNoFollow("/proc/self"));
    // /proc/self/exe is a last link to the java launcher: followed, it is a regular file too large here.
    RefusedFileException e = assertThrows(RefusedFileException.class, () -> slash.read("/proc/self/exe",
        SizeLimit.kib(1, "a test file")));
    assertEquals("larger than 1 KiB, too large for a test file", e.getReason());
    assertTrue(new String(slash.read("/proc/self/comm", SizeLimit.kib(4, "a test file"))).endsWith("\n"),
        "proc files say size 0 and are read to their end");
  }

  @Test
  void aNulByteIsAnErrorNotACrash() {
    assertThrows(IOException.class, () -> root.resolve("/sys/module/a\0b"));
  }

  @Test
  void readsAreBoundedAndOnlyOfRegularFiles() throws Exception {
    Files.writeString(mkdirs("etc").resolve("small"), "abc\n");
    assertArrayEquals("abc\n".getBytes(), root.read("/etc/small", SizeLimit.kib(4, "a test file")));
    Files.write(dir.resolve("etc/big"), new byte[4097]);
    RefusedFileException big = assertThrows(RefusedFileException.class,
        () -> root.read("/etc/big", SizeLimit.kib(4, "a test file")));
    assertEquals("/etc/big: larger than 4 KiB, too large for a test file", big.getMessage());
    assertThrows(NoSuchFileException.class, () -> root.read("/etc/missing", SizeLimit.kib(4, "a test file")));
    RefusedFileException directory = assertThrows(RefusedFileException.class,
        () -> root.read("/etc", SizeLimit.kib(4, "a test file")));
    assertTrue(directory.isDirectory());
  }

  @Test
  void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
    Path fifo = mkdirs("run").resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    RefusedFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(RefusedFileException.class, () -> root.read("/run/fifo", SizeLimit.kib(4, "a test file"))));
    assertEquals("/run/fifo: a FIFO, not a regular file", e.getMessage());
  }

  /** locate finds what resolving and then looking at the result without following finds, in one walk. */
  @Test
  void locateSeesWhatResolvingAndThenLookingSees() throws IOException {
    Path r = Files.createDirectories(base.resolve("located"));
    Files.createDirectories(r.resolve("etc/d/sub"));
    Files.writeString(r.resolve("etc/d/file"), "x\n");
    Files.createSymbolicLink(r.resolve("etc/d/abs"), Path.of("/etc/d/file"));
    Files.createSymbolicLink(r.resolve("etc/d/rel"), Path.of("sub/../file"));
    Files.createSymbolicLink(r.resolve("etc/d/dangling"), Path.of("nowhere"));
    Files.createSymbolicLink(r.resolve("etc/d/up"), Path.of("../../../../etc/d/sub"));
    Files.createSymbolicLink(r.resolve("etc/linkdir"), Path.of("d"));
    for (ConfinedRoot root : new ConfinedRoot[] {new ConfinedRoot(r), new ConfinedRoot(Path.of("/"))}) {
      String at = root.root().getParent() == null ? r.toString() : "";
      for (String path : new String[] {"/etc/d/file", "/etc/d/abs", "/etc/d/rel", "/etc/d/dangling", "/etc/d/up",
          "/etc/d/sub", "/etc/d/absent", "/etc/absent/file", "/etc/linkdir/file", "/etc/linkdir/absent", "/etc/d",
          "/etc/d/file/.."}) {
        String p = at + path;
        if (!at.isEmpty() && (path.equals("/etc/d/abs") || path.equals("/etc/d/up"))) {
          continue; // under / these lead out of the test's directory
        }
        Path resolved = root.resolve(p);
        boolean there = Files.exists(resolved, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        java.util.Optional<ConfinedRoot.Located> found = root.locate(p);
        assertEquals(there, found.isPresent(), p);
        if (there) {
          assertEquals(resolved, found.get().path(), p);
          assertEquals(Files.isRegularFile(resolved, java.nio.file.LinkOption.NOFOLLOW_LINKS),
              found.get().attributes().isRegularFile(), p);
          assertEquals(Files.isDirectory(resolved, java.nio.file.LinkOption.NOFOLLOW_LINKS),
              found.get().attributes().isDirectory(), p);
        }
        java.util.Optional<ConfinedRoot.Located> again = root.locate(p);
        assertEquals(found.map(ConfinedRoot.Located::path), again.map(ConfinedRoot.Located::path), "again: " + p);
        assertEquals(found.map(f -> f.attributes().fileKey()), again.map(f -> f.attributes().fileKey()), p);
      }
    }
  }
}
