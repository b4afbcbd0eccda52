package io.vfioctl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shape of the hosts bench/compare measures on. */
class HostGeneratorTest {
  @TempDir Path tmp;
  @TempDir static Path shared;
  /** A 700-function host, mostly SR-IOV: read-only for the tests that share it. */
  static Path big;

  @BeforeAll
  static void generateBig() throws Exception {
    big = shared.resolve("big");
    HostGenerator.generate(big, 700, 5, modulesAlias(), false);
  }

  static Path modulesAlias() throws Exception {
    return Path.of(HostGeneratorTest.class.getResource("/io/vfioctl/fixtures/debian-6.12.95+deb12-amd64-modules.alias")
        .toURI());
  }

  Path generate(String name, int n, long seed) throws Exception {
    Path dir = tmp.resolve(name);
    HostGenerator.generate(dir, n, seed, modulesAlias(), false);
    return dir;
  }

  Path generateBooted(String name, int n, long seed) throws Exception {
    Path dir = tmp.resolve(name);
    HostGenerator.generate(dir, n, seed, modulesAlias(), true);
    return dir;
  }

  static List<String> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void hostsHaveExactlyNFunctionsEachInOneGroup() throws Exception {
    for (int n : new int[] {1, 2, 7, 17, 100}) {
      Path root = generate("n" + n, n, n);
      Path devices = root.resolve("sys/bus/pci/devices");
      List<String> names = list(devices);
      assertEquals(n, names.size(), "functions at N=" + n);
      Set<String> grouped = new HashSet<>();
      for (String group : list(root.resolve("sys/kernel/iommu_groups"))) {
        for (String member : list(root.resolve("sys/kernel/iommu_groups/" + group + "/devices"))) {
          assertTrue(grouped.add(member), member + " is in two groups");
          Path dev = devices.resolve(member).toRealPath();
          assertEquals(root.resolve("sys/kernel/iommu_groups/" + group).toRealPath(),
              dev.resolve("iommu_group").toRealPath(), member);
          assertEquals(dev, root.resolve("sys/kernel/iommu_groups/" + group + "/devices/" + member).toRealPath());
        }
      }
      assertEquals(new HashSet<>(names), grouped, "every function in exactly one group at N=" + n);
      for (String name : names) {
        Path dev = devices.resolve(name).toRealPath();
        assertTrue(dev.startsWith(root.resolve("sys/devices").toRealPath()), name);
        assertTrue(Files.isRegularFile(dev.resolve("driver_override")), name);
        assertTrue(Files.readString(dev.resolve("modalias")).startsWith("pci:v"), name);
      }
    }
  }

  @Test
  void virtualFunctionsPointToTheirPhysicalFunction() throws Exception {
    Path root = big;
    Path devices = root.resolve("sys/bus/pci/devices");
    int vfs = 0;
    for (String name : list(devices)) {
      Path dev = devices.resolve(name).toRealPath();
      if (Files.isSymbolicLink(dev.resolve("physfn"))) {
        vfs++;
        Path pf = dev.resolve("physfn").toRealPath();
        assertEquals(dev.getParent(), pf.getParent(), "a VF sits beside its PF: " + name);
        boolean listed = false;
        for (String link : list(pf)) {
          listed |= link.startsWith("virtfn") && pf.resolve(link).toRealPath().equals(dev);
        }
        assertTrue(listed, pf + " lists " + name);
      }
      long virtfns = list(dev).stream().filter(f -> f.startsWith("virtfn")).count();
      if (virtfns > 0) {
        assertEquals(String.valueOf(virtfns), Files.readString(dev.resolve("sriov_numvfs")).strip(), name);
        for (long i = 0; i < virtfns; i++) {
          assertEquals(dev, dev.resolve("virtfn" + i).resolve("physfn").toRealPath(), name + " virtfn" + i);
        }
      }
    }
    assertTrue(vfs > 100, "a 700-function host is mostly VFs: " + vfs);
  }

  @Test
  void savedOverridesNameVfioBoundDevices() throws Exception {
    Path root = big;
    List<String> saved = list(root.resolve("etc/driverctl.d"));
    assertTrue(saved.size() > 20, "saved overrides: " + saved.size());
    Set<String> words = new HashSet<>();
    Set<String> drivers = new HashSet<>();
    for (String file : saved) {
      assertTrue(file.startsWith("pci-"), file);
      Path dev = root.resolve("sys/bus/pci/devices/" + file.substring(4));
      assertTrue(Files.isDirectory(dev), file + " names an existing device");
      words.add(Files.readString(root.resolve("etc/driverctl.d/" + file)).strip());
      String driver = Files.readSymbolicLink(dev.resolve("driver")).getFileName().toString();
      drivers.add(driver);
      assertEquals(driver, Files.readString(dev.resolve("driver_override")).strip(), file);
      assertTrue(list(dev.resolve("vfio-dev")).get(0).startsWith("vfio"), file);
      assertTrue(Files.isDirectory(dev.resolve("driver").resolve(file.substring(4))), "the driver lists " + file);
      String module = Files.readSymbolicLink(dev.resolve("driver/module")).getFileName().toString();
      assertTrue(Files.isSymbolicLink(root.resolve("sys/module/" + module + "/drivers/pci:" + driver)), module);
    }
    assertEquals(Set.of("vfio", "vfio-pci"), words);
    assertTrue(drivers.contains("vfio-pci") && drivers.size() > 1, "vfio-pci and variants: " + drivers);
    assertTrue(Files.isRegularFile(root.resolve("lib/modules/" + HostGenerator.RELEASE + "/modules.alias")));
    assertEquals(HostGenerator.RELEASE, Files.readString(root.resolve("proc/sys/kernel/osrelease")).strip());
  }

  @Test
  void aBootedHostHasTheSameSavedOverridesNotYetApplied() throws Exception {
    Path running = generate("running", 300, 4);
    Path booted = generateBooted("booted", 300, 4);
    List<String> saved = list(booted.resolve("etc/driverctl.d"));
    assertEquals(list(running.resolve("etc/driverctl.d")), saved);
    assertEquals(list(running.resolve("sys/bus/pci/devices")), list(booted.resolve("sys/bus/pci/devices")));
    assertTrue(!saved.isEmpty());
    for (String file : saved) {
      Path dev = booted.resolve("sys/bus/pci/devices/" + file.substring(4));
      assertEquals("(null)", Files.readString(dev.resolve("driver_override")).strip(), file);
      assertTrue(!Files.readSymbolicLink(dev.resolve("driver")).getFileName().toString().contains("vfio"), file);
      assertTrue(!Files.exists(dev.resolve("vfio-dev")), file);
    }
  }

  @Test
  void settlingABootedHostWhoseOverridesAreWrittenGivesTheRunningHost() throws Exception {
    Path running = generate("running", 300, 4);
    Path booted = generateBooted("booted", 300, 4);
    List<String> saved = list(booted.resolve("etc/driverctl.d"));
    for (String file : saved) {
      String dev = "sys/bus/pci/devices/" + file.substring(4);
      String driver = Files.readSymbolicLink(running.resolve(dev + "/driver")).getFileName().toString();
      Files.writeString(booted.resolve(dev + "/driver_override"), driver + "\n");
    }
    assertEquals(saved.size(), HostGenerator.settle(booted));
    assertEquals(withoutVfioNumbers(snapshot(running)), withoutVfioNumbers(snapshot(booted)));
    assertEquals(0, HostGenerator.settle(booted));
  }

  /** The numbers of vfio-dev/vfioN follow the order devices were bound in. */
  static List<String> withoutVfioNumbers(List<String> snapshot) {
    return snapshot.stream().map(l -> l.replaceAll("vfio-dev/vfio[0-9]+", "vfio-dev/vfioN")).sorted().toList();
  }

  @Test
  void theSameSeedGivesTheSameHost() throws Exception {
    assertEquals(snapshot(generate("a", 40, 9)), snapshot(generate("b", 40, 9)));
  }

  /** Every path below sys and etc with its link target or content. */
  static List<String> snapshot(Path root) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String top : new String[] {"sys", "etc"}) {
      try (Stream<Path> s = Files.walk(root.resolve(top))) {
        for (Path p : s.sorted().toList()) {
          String what = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
              : Files.isRegularFile(p) ? Files.readString(p) : "/";
          lines.add(root.relativize(p) + " " + what);
        }
      }
    }
    return lines;
  }
}
