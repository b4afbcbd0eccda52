package io.vfioctl.early;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.core.VfioAlias;
import io.vfioctl.core.VfioRanking;
import io.vfioctl.rules.DeviceFacts;
import io.vfioctl.rules.Rule;
import io.vfioctl.rules.RuleParser;
import io.vfioctl.rules.RuleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The early script, run by dash and busybox sh (and /bin/sh) on random fake sysfs trees, against
 * the Java oracle ({@link Selection#pick}, {@link VfioRanking}) on random saved overrides and
 * rules: every device Java selects gets the driver Java names in driver_override, with its record;
 * no other device is touched; the variant is the best fit of the initramfs's modules, under the
 * name the module registered.
 */
class EarlyScriptTest {
  private static final String[] IDS = {"10de", "8086", "1234", "15b3", "1af4"};
  private static final String[] DEVICES = {"11e8", "101e", "100e", "2204"};
  private static final String[] CLASSES = {"030000", "020000", "00ff00", "010802"};
  private static final String ALIASES = """
      alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci
      alias vfio_pci:v00001234d000011E8sv*sd*bc*sc*i* edu_vfio_pci
      alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci
      alias vfio_pci:v*d*sv*sd*bc02sc*i* net_vfio_pci
      """;
  /** What the stub modprobe makes each module register; edu's is not the predicted name. */
  private static final Map<String, String> REGISTERED = Map.of("vfio_pci", "vfio-pci", "edu_vfio_pci",
      "edu-vfio-variant", "mlx5_vfio_pci", "mlx5_vfio_pci", "net_vfio_pci", "net_vfio_pci");
  private static final String[] KEYS = {"Vendor", "Device", "Class", "Address", "NumaNode", "SubsystemVendor"};
  private static final String[] UNEVALUABLE = {"Driver=e1000", "PhysicalInterface=ens*"};

  @TempDir
  Path dir;

  @Test
  void theScriptTakesWhatJavaSelectsAndNothingElse() throws Exception {
    List<VfioAlias> aliases = VfioAlias.parseAll(ALIASES);
    Map<String, String> predicted = new LinkedHashMap<>();
    REGISTERED.keySet().forEach(m -> predicted.put(m, m.equals("vfio_pci") ? "vfio-pci" : m));
    List<String> shells = shells();
    Random random = new Random(16);
    int taken = 0;
    int unbound = 0;
    for (int round = 0; round < 40; round++) {
      List<Rule> rules = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(4); i++) {
        rules.add(rule(random, i));
      }
      List<DeviceFacts> devices = new ArrayList<>();
      Map<String, String> bound = new TreeMap<>();
      for (int i = 0; i < 8; i++) {
        DeviceFacts d = device(random, i);
        devices.add(d);
        if (random.nextInt(3) == 0) {
          bound.put(d.address(), "e1000");
        }
      }
      Map<String, String> overrides = new TreeMap<>();
      TreeSet<String> others = new TreeSet<>();
      for (DeviceFacts d : devices) {
        switch (random.nextInt(6)) {
          case 0 -> overrides.put(d.address(), pick(random, new String[] {"vfio", "vfio-pci", "none"}));
          case 1 -> others.add(d.address());
          default -> { }
        }
      }
      Selection sel = new Selection(overrides, others, new RuleSet(rules, List.of(), List.of(), List.of()));
      String script = EarlyScript.of(sel, "6.12.0-test", "dracut", VfioRanking.byFit(aliases), predicted,
          Map.of("vfio-pci", "vfio_pci"));
      for (String shell : shells) {
        Path root = Files.createDirectories(dir.resolve("r" + round + shell.replace('/', '_').replace(' ', '_')));
        tree(root, devices, bound);
        run(shell, root, script);
        for (DeviceFacts d : devices) {
          Optional<Selection.Pick> pick = sel.pick(d);
          String why = shell + ": " + d + " overrides " + overrides + " others " + others + " rules "
              + rules.stream().map(Rule::describe).toList() + "\n" + script;
          String override = Files.readString(root.resolve("sys/devices/pci0000:00/" + d.address()
              + "/driver_override")).strip();
          Path record = root.resolve("run/vfioctl/early/pci-" + d.address());
          if (pick.isEmpty()) {
            assertEquals("(null)", override, why);
            assertTrue(Files.notExists(record), why);
            continue;
          }
          pick.get().rule().ifPresent(r -> assertEquals(Optional.of(r), sel.rules().decide(d),
              "the sh decides by the rule Java decides by: " + why));
          String driver = switch (pick.get().word()) {
            case "vfio" -> REGISTERED.get(VfioRanking.rank(modalias(d), aliases).candidates().get(0).module());
            default -> pick.get().word();
          };
          assertEquals(driver, override, why);
          String from = bound.containsKey(d.address()) && !driver.equals("e1000") ? "e1000" : "-";
          assertEquals(driver + " " + from + " " + pick.get().source(), Files.readString(record).strip(), why);
          taken++;
          unbound += from.equals("-") ? 0 : 1;
        }
        assertEquals("inputs " + sel.digest() + "\nbuilder dracut\nkernel 6.12.0-test\n",
            Files.readString(root.resolve("run/vfioctl/early/ran")));
      }
    }
    assertTrue(taken > 150, "the generator must make devices the script takes: " + taken);
    assertTrue(unbound > 30, "and some it unbinds from a host driver: " + unbound);
  }

  @Test
  void aRuleWithAKeyTheShCannotReadLeavesTheDeviceToTheBootUnitEvenWhenALaterRuleWouldBind() throws Exception {
    Rule unknown = RuleParser.parse("/etc/vfioctl/bind.d/10-a.conf", "[Match]\nVendor=8086\nDriver=e1000\n"
        + "[Bind]\nDriver=none\n").rule();
    Rule all = RuleParser.parse("/etc/vfioctl/bind.d/20-b.conf", "[Match]\nAddress=*\n[Bind]\nDriver=vfio-pci\n")
        .rule();
    Selection sel = new Selection(Map.of(), new TreeSet<>(), new RuleSet(List.of(unknown, all), List.of(), List.of(),
        List.of()));
    DeviceFacts intel = DeviceFacts.of("0000:00:02.0", "8086", "100e", "020000");
    DeviceFacts other = DeviceFacts.of("0000:00:03.0", "1234", "11e8", "00ff00");
    Path root = Files.createDirectories(dir.resolve("unknown"));
    tree(root, List.of(intel, other), Map.of());
    run("/bin/sh", root, EarlyScript.of(sel, "k", "initramfs-tools", List.of(), Map.of(), Map.of("vfio-pci",
        "vfio_pci")));
    assertEquals("(null)", Files.readString(root.resolve("sys/devices/pci0000:00/0000:00:02.0/driver_override")).strip());
    assertEquals("vfio-pci", Files.readString(root.resolve("sys/devices/pci0000:00/0000:00:03.0/driver_override"))
        .strip());
    assertEquals("vfio_pci\n", Files.readString(root.resolve("modprobe.log")));
  }

  static List<String> shells() {
    List<String> shells = new ArrayList<>(List.of("/bin/sh"));
    for (String s : new String[] {"/bin/dash", "/usr/bin/dash"}) {
      if (Files.isExecutable(Path.of(s))) {
        shells.add(s);
        break;
      }
    }
    for (String s : new String[] {"/bin/busybox", "/usr/bin/busybox"}) {
      if (Files.isExecutable(Path.of(s))) {
        shells.add(s + " sh");
        break;
      }
    }
    return shells;
  }

  /** Runs the script with a modprobe that registers {@link #REGISTERED}'s driver and logs each load. */
  static void run(String shell, Path root, String script) throws Exception {
    Path bin = Files.createDirectories(root.resolve("sbin"));
    StringBuilder cases = new StringBuilder();
    REGISTERED.forEach((m, d) -> cases.append(m).append(") n=").append(d).append(" ;; "));
    Files.writeString(bin.resolve("modprobe"), "#!/bin/sh\n[ \"$1\" = -q ] && shift\necho \"$1\" >>\"$VFIOCTL_EARLY_ROOT/"
        + "modprobe.log\"\ncase $1 in " + cases + "*) exit 1 ;; esac\n"
        + "mkdir -p \"$VFIOCTL_EARLY_ROOT/sys/module/$1/drivers/pci:$n\"\n");
    bin.resolve("modprobe").toFile().setExecutable(true);
    Path file = root.resolve("early");
    Files.writeString(file, script);
    List<String> command = new ArrayList<>(List.of(shell.split(" ")));
    command.add(file.toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("VFIOCTL_EARLY_ROOT", root.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertEquals("", out, "the script prints nothing");
  }

  /** The devices as sysfs shows them, each with driver_override "(null)", some bound to e1000. */
  static void tree(Path root, List<DeviceFacts> devices, Map<String, String> bound) throws IOException {
    Files.createDirectories(root.resolve("sys/bus/pci/devices"));
    Files.writeString(root.resolve("sys/bus/pci/drivers_probe"), "");
    for (DeviceFacts d : devices) {
      Path dev = Files.createDirectories(root.resolve("sys/devices/pci0000:00/" + d.address()));
      String[][] files = {{"vendor", d.vendor()}, {"device", d.device()}, {"subsystem_vendor", d.subsystemVendor()},
          {"subsystem_device", d.subsystemDevice()}, {"class", d.classCode()}};
      for (String[] f : files) {
        Files.writeString(dev.resolve(f[0]), "0x" + f[1] + "\n");
      }
      Files.writeString(dev.resolve("numa_node"), d.numaNode() + "\n");
      Files.writeString(dev.resolve("modalias"), modalias(d) + "\n");
      Files.writeString(dev.resolve("driver_override"), "(null)\n");
      String driver = bound.get(d.address());
      if (driver != null) {
        Path drv = Files.createDirectories(root.resolve("sys/bus/pci/drivers/" + driver));
        Files.writeString(drv.resolve("unbind"), "");
        Files.createSymbolicLink(dev.resolve("driver"), Path.of("../../../bus/pci/drivers/" + driver));
      }
      Files.createSymbolicLink(root.resolve("sys/bus/pci/devices/" + d.address()),
          Path.of("../../../devices/pci0000:00/" + d.address()));
    }
  }

  static String modalias(DeviceFacts d) {
    String c = d.classCode().toUpperCase(Locale.ROOT);
    return "pci:v0000" + up(d.vendor()) + "d0000" + up(d.device()) + "sv0000" + up(d.subsystemVendor()) + "sd0000"
        + up(d.subsystemDevice()) + "bc" + c.substring(0, 2) + "sc" + c.substring(2, 4) + "i" + c.substring(4);
  }

  private static String up(String hex) {
    return hex.toUpperCase(Locale.ROOT);
  }

  private static DeviceFacts device(Random r, int slot) {
    String address = String.format("0000:%02x:%02x.%x", r.nextInt(3), slot, r.nextInt(8));
    String vendor = pick(r, IDS);
    String device = pick(r, DEVICES);
    return new DeviceFacts(address, vendor, device, pick(r, IDS), pick(r, DEVICES), pick(r, CLASSES),
        List.of("e1000"), String.valueOf(r.nextInt(2)), Optional.empty(), OptionalInt.empty(), List.of());
  }

  private static Rule rule(Random r, int i) {
    StringBuilder text = new StringBuilder("[Match]\n");
    List<String> keys = new ArrayList<>(List.of(KEYS));
    java.util.Collections.shuffle(keys, r);
    for (String key : keys.subList(0, 1 + r.nextInt(2))) {
      text.append(key).append('=').append(r.nextInt(5) == 0 ? "!" : "").append(value(key, r)).append('\n');
    }
    if (r.nextInt(4) == 0) {
      text.append(pick(r, UNEVALUABLE)).append('\n');
    }
    text.append("[Bind]\nDriver=").append(pick(r, new String[] {"vfio", "vfio", "vfio-pci", "none"})).append('\n');
    RuleParser.Parsed p = RuleParser.parse("/etc/vfioctl/bind.d/" + i + "0-r.conf", text.toString());
    assertEquals(List.of(), p.errors(), text.toString());
    return p.rule();
  }

  private static String value(String key, Random r) {
    return switch (key) {
      case "Class" -> r.nextBoolean() ? pick(r, CLASSES) : pick(r, CLASSES).substring(0, 2) + "*";
      case "Address" -> r.nextBoolean() ? String.format("0000:%02x:*", r.nextInt(3)) : "*.[0-3]";
      case "NumaNode" -> String.valueOf(r.nextInt(2));
      case "Device" -> pick(r, DEVICES) + " " + pick(r, DEVICES);
      default -> r.nextBoolean() ? pick(r, IDS) : pick(r, IDS).substring(0, 2) + "*";
    };
  }

  private static <T> T pick(Random r, T[] from) {
    return from[r.nextInt(from.length)];
  }
}
