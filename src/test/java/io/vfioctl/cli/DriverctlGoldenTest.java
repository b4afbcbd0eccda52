package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vfioctl.testing.FakeRoot;
import io.vfioctl.testing.TestMachine.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares vfioctl with driverctl itself on the same fake roots. driverctl runs in a private
 * mount namespace where the fake {@code sys} and {@code etc/driverctl.d} are bound over the real
 * ones, so it never sees or touches this machine's devices. The driverctl script is
 * {@code $VFIOCTL_DRIVERCTL} (test/golden/fetch-driverctl provides 0.115) or /usr/sbin/driverctl.
 * Where it cannot run, the tests are reported skipped.
 */
class DriverctlGoldenTest {
  static Path driverctl;
  static boolean is0115;
  @TempDir Path tmp;

  @BeforeAll
  static void findDriverctl() throws Exception {
    String configured = System.getenv("VFIOCTL_DRIVERCTL");
    driverctl = Path.of(configured != null && !configured.isEmpty() ? configured : "/usr/sbin/driverctl");
    assumeTrue(Files.isExecutable(driverctl), "driverctl not installed: " + driverctl);
    assumeTrue(Files.isDirectory(Path.of("/etc/driverctl.d")), "no /etc/driverctl.d to bind over");
    assumeTrue(exec(List.of("unshare", "-m", "true"), Map.of()).code() == 0, "cannot make a mount namespace (need root)");
    is0115 = Files.readString(driverctl).contains("list-persisted");
  }

  static Result exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("SUBSYSTEM");
    pb.environment().remove("DEVPATH");
    pb.environment().putAll(env);
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timeout: " + command);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  static Result driverctl(Path root, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
        "mount --bind \"$0/sys\" /sys && mount --bind \"$0/etc/driverctl.d\" /etc/driverctl.d"
            // never load a module into this machine's kernel, whatever driverctl decides
            + " && mount --bind /bin/true \"$(readlink -f /sbin/modprobe)\" && exec \"$@\"",
        root.toString(), driverctl.toString()));
    cmd.addAll(List.of(args));
    Result r = exec(cmd, Map.of());
    return new Result(r.code(), r.out(), r.err().replace("driverctl: ", "vfioctl: "));
  }

  static Result vfioctl(Path root, String... args) {
    return FakeRoot.runAt(root.toString(), args);
  }

  static void assertSame(Path root, String... args) throws Exception {
    Result expected = driverctl(root, args);
    Result actual = vfioctl(root, args);
    String what = String.join(" ", args);
    assertEquals(expected.code(), actual.code(), () -> what + "\ndriverctl: " + expected + "\nvfioctl: " + actual);
    assertEquals(expected.out(), actual.out(), what);
    assertEquals(expected.err(), actual.err(), what);
  }

  /** A random machine: classes, drivers and override states of every kind driverctl distinguishes. */
  FakeRoot randomMachine(long seed) throws IOException {
    Random rnd = new Random(seed);
    FakeRoot f = new FakeRoot(Files.createDirectories(tmp.resolve("m" + seed)));
    int[] classes = {0x010802, 0x020000, 0x030000, 0x040300, 0x050000, 0x060400, 0x070002, 0x088000, 0x090000,
        0x0a0000, 0x0b4000, 0x0c0330, 0xff0000, 0x00ff00};
    List<String> overrides = new ArrayList<>(List.of("(null)", "(null)", "vfio-pci", "none", "mlx5_vfio_pci"));
    if (is0115) {
      overrides.add("");
    }
    String[] drivers = {null, "e1000e", "vfio-pci", "nvme", "xhci_hcd", "pcieport"};
    int n = 5 + rnd.nextInt(40);
    for (int i = 0; i < n; i++) {
      String name = String.format("%04x:%02x:%02x.%x", rnd.nextInt(2), rnd.nextInt(256), rnd.nextInt(32), rnd.nextInt(8));
      if (Files.exists(f.root.resolve("sys/bus/pci/devices/" + name))) {
        continue;
      }
      String override = rnd.nextInt(12) == 0 ? null : overrides.get(rnd.nextInt(overrides.size()));
      f.device(name, 0x8086, rnd.nextInt(0x10000), classes[rnd.nextInt(classes.length)], override,
          drivers[rnd.nextInt(drivers.length)]);
      if (rnd.nextInt(4) == 0) {
        f.persisted("pci-" + name, rnd.nextBoolean() ? "vfio-pci\n" : "vfio\n");
      }
    }
    if (rnd.nextBoolean()) {
      f.persisted("usb-1-1", "usbfoo\n");
    }
    return f;
  }

  @Test
  void listCommandsMatchOnRandomMachines() throws Exception {
    List<String> types = List.of("all", "storage", "network", "display", "multimedia", "memory", "bridge",
        "communication", "system", "input", "docking", "processor", "serial");
    for (long seed = 1; seed <= 12; seed++) {
      Path root = randomMachine(seed).root;
      assertSame(root, "list-devices");
      assertSame(root, "list-overrides");
      assertSame(root, "list-devices", types.get((int) seed % types.size()));
      assertSame(root, "list-overrides", types.get((int) (seed * 7) % types.size()));
      if (is0115) {
        assertSame(root, "list-persisted");
        assertSame(root, "-b", "usb", "list-persisted");
      }
    }
  }

  @Test
  void machinesWithoutOverridableDevicesFailAlike() throws Exception {
    FakeRoot f = new FakeRoot(tmp.resolve("empty"));
    assertSame(f.root, "list-devices");
    assertSame(f.root, "list-overrides");
    f.device("0000:00:01.0", 0x8086, 0x1, 0x020000, null, "e1000e");
    assertSame(f.root, "list-devices");
    f.device("0000:00:02.0", 0x8086, 0x1, 0x020000, "(null)", null);
    assertSame(f.root, "list-devices");
    assertSame(f.root, "list-overrides");
    assertSame(f.root, "list-overrides", "storage");
  }

  @Test
  void errorsMatch() throws Exception {
    FakeRoot f = new FakeRoot(tmp.resolve("errors"))
        .device("0000:00:01.0", 0x8086, 0x1, 0x020000, "(null)", "e1000e")
        .device("0000:00:02.0", 0x8086, 0x1, 0x020000, null, "e1000e");
    assertSame(f.root, "list-devices", "gpu");
    assertSame(f.root, "set-override", "0000:00:09.0", "vfio-pci");
    assertSame(f.root, "unset-override", "0000:00:09.0");
    assertSame(f.root, "load-override", "0000:00:01.0");
    assertSame(f.root, "load-override", "0000:00:09.0");
    assertSame(f.root, "set-override", "0000:00:02.0", "vfio-pci");
  }

  @Test
  void usageErrorsExitAlikeAndShowDriverctlsUsage() throws Exception {
    FakeRoot f = new FakeRoot(tmp.resolve("usage"));
    for (String[] args : new String[][] {{}, {"set-override", "0000:00:01.0"}, {"frob"}, {"list-devices", "a", "b"},
        {"load-override"}}) {
      Result expected = driverctl(f.root, args);
      Result actual = vfioctl(f.root, args);
      assertEquals(expected.code(), actual.code(), String.join(" ", args));
      if (!is0115) {
        continue; // 0.111's usage lacks list-persisted; only the exit code is comparable
      }
      String driverctlUsage = expected.out().replace("driverctl", "vfioctl");
      String withoutFinalBlankLine = driverctlUsage.substring(0, driverctlUsage.length() - 1);
      assertEquals(withoutFinalBlankLine, actual.out().substring(0, withoutFinalBlankLine.length()), String.join(" ", args));
    }
    Result help = driverctl(f.root, "--help");
    assertEquals(0, help.code());
    assertEquals(0, vfioctl(f.root, "--help").code());
  }

  /** One device bound to e1000e, as both tools will find it; a vfio-pci module "loaded". */
  FakeRoot bindingMachine(String name, String override, String persisted) throws IOException {
    FakeRoot f = new FakeRoot(Files.createDirectories(tmp.resolve(name)))
        .device("0000:00:02.0", 0x8086, 0x10d3, 0x020000, override, "e1000e");
    Files.createDirectories(f.root.resolve("sys/module/vfio-pci"));
    Files.createDirectories(f.root.resolve("sys/bus/pci/drivers/vfio-pci"));
    if (persisted != null) {
      f.persisted("pci-0000:00:02.0", persisted);
    }
    return f;
  }

  /** What an override change leaves behind: the override file and the saved files, byte for byte. */
  static String outcome(Path root) throws IOException {
    StringBuilder b = new StringBuilder("driver_override=")
        .append(Files.readString(root.resolve("sys/bus/pci/devices/0000:00:02.0/driver_override")));
    try (var files = Files.list(root.resolve("etc/driverctl.d"))) {
      for (Path p : files.sorted().toList()) {
        b.append(p.getFileName()).append('=').append(Files.readString(p));
      }
    }
    return b.toString();
  }

  @Test
  void overrideChangesLeaveTheSameFilesWithoutProbing() throws Exception {
    String[][] cases = {
        {"(null)", null, "--noprobe", "set-override", "0000:00:02.0", "vfio-pci"},
        {"(null)", null, "--noprobe", "set-override", "0000:00:02.0", "none"},
        {"(null)", null, "--noprobe", "--nosave", "set-override", "0000:00:02.0", "vfio-pci"},
        {"vfio-pci", "vfio-pci\n", "--noprobe", "unset-override", "0000:00:02.0"},
        {"vfio-pci", "vfio-pci\n", "--noprobe", "--nosave", "unset-override", "0000:00:02.0"},
        {"(null)", "vfio-pci\n", "--noprobe", "load-override", "0000:00:02.0"},
    };
    int n = 0;
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 2, c.length);
      Path theirs = bindingMachine("dc" + n, c[0], c[1]).root;
      Path ours = bindingMachine("vc" + n, c[0], c[1]).root;
      n++;
      Result expected = driverctl(theirs, args);
      Result actual = vfioctl(ours, args);
      String what = String.join(" ", args);
      assertEquals(expected.code(), actual.code(), () -> what + "\ndriverctl: " + expected + "\nvfioctl: " + actual);
      assertEquals(outcome(theirs), outcome(ours), what);
    }
  }
}
