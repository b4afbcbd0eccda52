package io.vfioctl.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated sh matcher, run by /bin/sh on random fake sysfs devices, against the Java matcher
 * on random rules: it never says no where a rule binds, and says exactly what Java says when the
 * rules use only the keys it evaluates.
 */
class MatchScriptTest {
  private static final String[] IDS = {"10de", "8086", "1002", "15b3", "1af4", "2204", "1aef", "0000"};
  private static final String[] CLASSES = {"030000", "030200", "040300", "020000", "010802", "0c0330"};
  private static final String[] WORDS = {"display", "network", "multimedia", "storage", "serial"};
  private static final String[] EVALUATED = {"Vendor", "Device", "SubsystemVendor", "SubsystemDevice", "Class",
      "Address", "PhysicalFunction", "NumaNode"};
  private static final String[] OTHERS = {"Driver=nvme", "PhysicalInterface=ens*",
      "Driver=!e1000*", "Driver=xhci-pci", "Driver=!xhci_hcd nvme"};

  @TempDir
  Path dir;

  @Test
  void theScriptNeverSaysNoWhereARuleBindsAndIsExactOnTheKeysItEvaluates() throws Exception {
    Random random = new Random(15);
    int bound = 0;
    int exact = 0;
    for (int round = 0; round < 150; round++) {
      boolean onlyEvaluated = random.nextBoolean();
      List<Rule> rules = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(4); i++) {
        rules.add(rule(random, i, onlyEvaluated));
      }
      RuleSet set = new RuleSet(rules, List.of(), List.of(), List.of());
      Path round_ = Files.createDirectories(dir.resolve("r" + round));
      Files.writeString(round_.resolve("match.sh"), MatchScript.of(set));
      List<DeviceFacts> devices = new ArrayList<>();
      StringBuilder loop = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        DeviceFacts d = device(random, round_, i);
        devices.add(d);
        loop.append("sh ./match.sh ").append(round_.resolve("devices/" + d.address())).append(i % 2 == 0 ? "/" : "")
            .append(" && echo 1 || echo 0\n");
      }
      List<String> said = sh(round_, loop.toString());
      for (int i = 0; i < devices.size(); i++) {
        DeviceFacts d = devices.get(i);
        boolean javaBinds = rules.stream().anyMatch(r -> !r.keepsHostDriver() && r.matches(d));
        boolean shSays = said.get(i).equals("1");
        String why = d + " with " + rules.stream().map(Rule::describe).toList() + "\n" + MatchScript.of(set);
        if (javaBinds) {
          bound++;
          assertTrue(shSays, "the script must never say no where a rule binds: " + why);
        }
        if (onlyEvaluated) {
          exact++;
          assertEquals(javaBinds, shSays, why);
        }
      }
    }
    assertTrue(bound > 200, "the generator must make rules that bind: " + bound);
    assertTrue(exact > 500, "" + exact);
  }

  @Test
  void onlyRulesThatBindNeedTheScript() {
    Rule none = RuleParser.parse("/etc/vfioctl/bind.d/10-none.conf", "[Match]\nVendor=10de\n[Bind]\nDriver=none\n")
        .rule();
    assertFalse(MatchScript.needed(new RuleSet(List.of(none), List.of(), List.of(), List.of())));
    assertFalse(MatchScript.needed(RuleSet.EMPTY));
    Rule vfio = RuleParser.parse("/etc/vfioctl/bind.d/50-x.conf", "[Match]\nVendor=10de\n[Bind]\nDriver=vfio\n")
        .rule();
    assertTrue(MatchScript.needed(new RuleSet(List.of(none, vfio), List.of(), List.of(), List.of())));
  }

  private static Rule rule(Random r, int i, boolean onlyEvaluated) {
    StringBuilder text = new StringBuilder("[Match]\n");
    List<String> keys = new ArrayList<>(List.of(EVALUATED));
    java.util.Collections.shuffle(keys, r);
    for (String key : keys.subList(0, 1 + r.nextInt(3))) {
      text.append(key).append('=').append(r.nextInt(4) == 0 ? "!" : "");
      for (int v = 0; v < 1 + r.nextInt(2); v++) {
        text.append(v == 0 ? "" : " ").append(value(key, r));
      }
      text.append('\n');
    }
    if (!onlyEvaluated && r.nextBoolean()) {
      text.append(pick(r, OTHERS)).append('\n');
    }
    text.append("[Bind]\nDriver=").append(r.nextInt(5) == 0 ? "none" : "vfio").append('\n');
    RuleParser.Parsed p = RuleParser.parse("/etc/vfioctl/bind.d/" + i + "0-r.conf", text.toString());
    assertEquals(List.of(), p.errors(), text.toString());
    return p.rule();
  }

  private static String value(String key, Random r) {
    return switch (key) {
      case "Class" -> switch (r.nextInt(4)) {
        case 0 -> pick(r, WORDS);
        case 1 -> pick(r, CLASSES);
        case 2 -> pick(r, CLASSES).substring(0, 2) + "*";
        default -> "0[23]????";
      };
      case "Address" -> switch (r.nextInt(4)) {
        case 0 -> String.format("0000:%02x:*", r.nextInt(3));
        case 1 -> String.format("*.%x", r.nextInt(8));
        case 2 -> "0000:0[!1]:0?.?";
        default -> "*:0[^2]:0[0-4].[0-3]";
      };
      case "NumaNode" -> r.nextBoolean() ? String.valueOf(r.nextInt(2)) : "-1";
      case "PhysicalFunction" -> r.nextBoolean() ? String.format("0000:%02x:00.?", r.nextInt(3)) : "*";
      default -> switch (r.nextInt(4)) {
        case 0 -> "0x" + pick(r, IDS);
        case 1 -> pick(r, IDS).substring(0, 2) + "*";
        case 2 -> "?" + pick(r, IDS).substring(1, 3) + "?";
        default -> pick(r, IDS);
      };
    };
  }

  /** A device directory as the kernel writes one (some files absent, some PFs not addresses), and its facts. */
  private static DeviceFacts device(Random r, Path root, int slot) throws IOException {
    String address = String.format("0000:%02x:%02x.%x", r.nextInt(3), slot, r.nextInt(8));
    Path d = Files.createDirectories(root.resolve("devices/" + address));
    String[] facts = new String[5];
    String[] files = {"vendor", "device", "subsystem_vendor", "subsystem_device", "class"};
    for (int i = 0; i < files.length; i++) {
      Files.deleteIfExists(d.resolve(files[i]));
      if (r.nextInt(10) == 0) {
        facts[i] = "";
        continue;
      }
      String value = i == 4 ? pick(r, CLASSES) : pick(r, IDS);
      Files.writeString(d.resolve(files[i]), "0x" + value + "\n");
      facts[i] = DeviceFacts.id("0x" + value + "\n");
    }
    String numa = r.nextInt(8) == 0 ? "" : String.valueOf(r.nextInt(3) - 1);
    Files.deleteIfExists(d.resolve("numa_node"));
    if (!numa.isEmpty()) {
      Files.writeString(d.resolve("numa_node"), numa + "\n");
    }
    Files.deleteIfExists(d.resolve("physfn"));
    Optional<String> physfn = Optional.empty();
    int pf = r.nextInt(4);
    if (pf > 0) {
      String name = pf == 3 ? "virtfn-not-an-address" : String.format("0000:%02x:00.%d", r.nextInt(3), r.nextInt(2));
      Files.createSymbolicLink(d.resolve("physfn"), Path.of("../" + name));
      physfn = io.vfioctl.core.PciAddress.isValid(name) ? Optional.of(name) : Optional.empty();
    }
    List<String> drivers = r.nextBoolean() ? List.of("e1000e") : List.of();
    // A device without a host driver may have a default one, which the sh cannot know.
    Optional<DefaultDriver> byDefault = !drivers.isEmpty() || r.nextBoolean() ? Optional.empty()
        : Optional.of(r.nextBoolean() ? new DefaultDriver("xhci_pci", r.nextBoolean() ? "xhci_hcd" : "")
        : new DefaultDriver("nvme", "nvme"));
    return new DeviceFacts(address, facts[0], facts[1], facts[2], facts[3], facts[4], drivers, numa, physfn,
        physfn.isPresent() ? OptionalInt.of(r.nextInt(4)) : OptionalInt.empty(),
        physfn.isPresent() ? List.of("ens1f0") : List.of(), byDefault);
  }

  private static List<String> sh(Path cwd, String script) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", script).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.lines().toList();
  }

  private static <T> T pick(Random r, T[] from) {
    return from[r.nextInt(from.length)];
  }
}
