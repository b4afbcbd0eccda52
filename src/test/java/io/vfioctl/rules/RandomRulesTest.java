package io.vfioctl.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Random rules on random hosts: the first matching file must be the one a plain, independent matcher picks. */
class RandomRulesTest {
  private static final String[] VENDORS = {"10de", "8086", "1002", "15b3"};
  private static final String[] CLASSES = {"030000", "030200", "040300", "020000", "010802", "0c0330"};
  private static final String[] DRIVERS = {"nvidia", "e1000e", "ice", "iavf", "nvme", "snd_hda_intel", "xhci-pci",
      "xhci_hcd", "virtio-pci", "virtio_pci", "snd-hda-intel"};
  /** Default host drivers: each a module, and the driver it registers once loaded (empty: not loaded). */
  private static final String[][] DEFAULTS = {{"xhci_pci", "xhci_hcd"}, {"xhci_pci", ""}, {"virtio_pci", "virtio-pci"},
      {"snd_hda_intel", "snd_hda_intel"}, {"nvme", ""}};
  private static final String[] NETS = {"ens1f0", "ens1f1", "eno1"};
  private static final String[][] WORDS = {{"storage", "01"}, {"network", "02"}, {"display", "03"},
      {"multimedia", "04"}, {"serial", "0c"}};

  /** A key, its raw values as written, whether negated. */
  record Written(String key, List<String> values, boolean negated) {}

  @Test
  void firstMatchingFileAgreesWithAnIndependentMatcher() {
    Random random = new Random(15);
    int decided = 0;
    for (int round = 0; round < 300; round++) {
      List<DeviceFacts> host = host(random);
      TreeMap<String, List<Written>> files = new TreeMap<>();
      List<Rule> rules = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(6); i++) {
        String name = String.format("%02d-r%d.conf", random.nextInt(100), i);
        files.put(name, rule(random));
      }
      files.forEach((name, written) -> {
        StringBuilder text = new StringBuilder("[Match]\n");
        written.forEach(w -> text.append(w.key()).append('=').append(w.negated() ? "!" : "")
            .append(String.join(" ", w.values())).append('\n'));
        text.append("[Bind]\nDriver=vfio\n");
        RuleParser.Parsed p = RuleParser.parse(name, text.toString());
        assertEquals(List.of(), p.errors(), text.toString());
        rules.add(p.rule());
      });
      RuleSet set = new RuleSet(rules, List.of(), List.of(), List.of());
      for (DeviceFacts d : host) {
        Optional<String> expected = Optional.empty();
        for (Map.Entry<String, List<Written>> f : files.entrySet()) {
          if (f.getValue().stream().allMatch(w -> oracle(w, d))) {
            expected = Optional.of(f.getKey());
            break;
          }
        }
        decided += expected.isPresent() ? 1 : 0;
        assertEquals(expected, set.decide(d).map(Rule::file), d + " with " + files);
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(decided > 100, "the generator must make rules that match: " + decided);
  }

  /**
   * One matcher over a host whose devices share IDs, as a card's VFs do, and say so by their key:
   * what it remembers of the ID conditions per key never changes an answer.
   */
  @Test
  void aMatcherRemembersIdsWithoutChangingAnAnswer() {
    Random random = new Random(16);
    int matched = 0;
    for (int round = 0; round < 300; round++) {
      List<Rule> rules = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(6); i++) {
        StringBuilder text = new StringBuilder("[Match]\n");
        rule(random).forEach(w -> text.append(w.key()).append('=').append(w.negated() ? "!" : "")
            .append(String.join(" ", w.values())).append('\n'));
        rules.add(RuleParser.parse(i + ".conf", text.append("[Bind]\nDriver=vfio\n").toString()).rule());
      }
      List<DeviceFacts> pool = host(random).subList(0, 3);
      RuleMatcher matcher = new RuleSet(rules, List.of(), List.of(), List.of()).matcher();
      for (DeviceFacts d : host(random)) {
        DeviceFacts ids = pool.get(random.nextInt(pool.size()));
        DeviceFacts same = new DeviceFacts(d.address(), ids.vendor(), ids.device(), ids.subsystemVendor(),
            ids.subsystemDevice(), ids.classCode(), d.drivers(), d.numaNode(), d.physfn(), d.vfIndex(),
            d.pfInterfaces(), d.defaultDriver());
        Facts keyed = new Keyed(same);
        List<Rule> expected = rules.stream().filter(r -> r.matches(same)).toList();
        matched += expected.size();
        assertEquals(expected, matcher.matching(keyed), same + " with " + rules);
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(matched > 100, "the generator must make rules that match: " + matched);
  }

  /** A device whose key is its five IDs. */
  private record Keyed(DeviceFacts d) implements Facts {
    public String address() { return d.address(); }
    public String vendor() { return d.vendor(); }
    public String device() { return d.device(); }
    public String subsystemVendor() { return d.subsystemVendor(); }
    public String subsystemDevice() { return d.subsystemDevice(); }
    public String classCode() { return d.classCode(); }
    public List<String> drivers() { return d.drivers(); }
    public Optional<DefaultDriver> defaultDriver() { return d.defaultDriver(); }
    public String numaNode() { return d.numaNode(); }
    public Optional<String> physfn() { return d.physfn(); }
    public OptionalInt vfIndex() { return d.vfIndex(); }
    public List<String> pfInterfaces() { return d.pfInterfaces(); }
    public String idsKey() {
      return String.join(":", d.vendor(), d.device(), d.subsystemVendor(), d.subsystemDevice(), d.classCode());
    }
  }

  private static List<DeviceFacts> host(Random r) {
    List<DeviceFacts> host = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String address = String.format("0000:%02x:%02x.%x", r.nextInt(4), r.nextInt(3), r.nextInt(8));
      boolean isVf = r.nextInt(3) == 0;
      List<String> drivers = r.nextBoolean() ? List.of(pick(r, DRIVERS)) : List.of();
      String[] byDefault = drivers.isEmpty() && r.nextBoolean() ? pick(r, DEFAULTS) : null;
      host.add(new DeviceFacts(address, pick(r, VENDORS), String.format("%04x", r.nextInt(4) * 0x1111),
          pick(r, VENDORS), "0000", pick(r, CLASSES), drivers,
          String.valueOf(r.nextInt(2)), isVf ? Optional.of(String.format("0000:%02x:00.0", r.nextInt(4)))
          : Optional.empty(), isVf ? OptionalInt.of(r.nextInt(10)) : OptionalInt.empty(),
          isVf ? List.of(pick(r, NETS)) : List.of(),
          Optional.ofNullable(byDefault).map(m -> new DefaultDriver(m[0], m[1]))));
    }
    return host;
  }

  private static List<Written> rule(Random r) {
    List<Written> keys = new ArrayList<>();
    List<String> order = new ArrayList<>(List.of("Vendor", "Device", "Class", "Address", "Driver", "NumaNode",
        "PhysicalFunction", "PhysicalInterface", "VirtualFunctionIndex"));
    java.util.Collections.shuffle(order, r);
    int n = 1 + r.nextInt(3);
    for (String key : order.subList(0, n)) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 1 + r.nextInt(2); i++) {
        values.add(value(key, r));
      }
      keys.add(new Written(key, values, r.nextInt(4) == 0));
    }
    if (keys.stream().anyMatch(w -> w.key().equals("VirtualFunctionIndex"))
        && keys.stream().noneMatch(w -> w.key().startsWith("Physical"))) {
      keys.add(new Written("PhysicalFunction", List.of("*"), false));
    }
    return keys;
  }

  private static String value(String key, Random r) {
    return switch (key) {
      case "Vendor" -> (r.nextBoolean() ? "0x" : "") + (r.nextBoolean() ? pick(r, VENDORS).toUpperCase(Locale.ROOT)
          : pick(r, VENDORS).substring(0, 2) + "*");
      case "Device" -> r.nextBoolean() ? String.format("%x", r.nextInt(4) * 0x1111) : "?" + r.nextInt(4) + "??";
      case "Class" -> r.nextBoolean() ? pick(r, WORDS)[0] : r.nextBoolean() ? pick(r, CLASSES) : pick(r, CLASSES)
          .substring(0, 2) + "*";
      case "Address" -> r.nextBoolean() ? String.format("0000:%02x:*", r.nextInt(4)) : String.format("*.%x", r.nextInt(8));
      case "Driver" -> r.nextBoolean() ? pick(r, DRIVERS) : pick(r, DRIVERS).substring(0, 2) + "*";
      case "NumaNode" -> String.valueOf(r.nextInt(2));
      case "PhysicalFunction" -> String.format("0000:%02x:00.?", r.nextInt(4));
      case "PhysicalInterface" -> r.nextBoolean() ? pick(r, NETS) : "ens*";
      default -> {
        int lo = r.nextInt(8);
        yield r.nextBoolean() ? lo + "-" + (lo + r.nextInt(4)) : lo + "," + (lo + 2);
      }
    };
  }

  /** The plain matcher: globs through regular expressions, type words through a table. */
  private static boolean oracle(Written w, DeviceFacts d) {
    boolean any = false;
    for (String v : w.values()) {
      any |= switch (w.key()) {
        case "Vendor" -> glob(hex(v), d.vendor());
        case "Device" -> glob(pad(hex(v)), d.device());
        case "Class" -> glob(word(v), d.classCode());
        case "Address" -> glob(v, d.address());
        case "Driver" -> d.drivers().stream().anyMatch(x -> glob(v, x)) || d.defaultDriver().isPresent()
            && (!d.defaultDriver().get().driver().isEmpty() && glob(v, d.defaultDriver().get().driver())
            || moduleGlob(v, d.defaultDriver().get().module()));
        case "NumaNode" -> v.equals(d.numaNode());
        case "PhysicalFunction" -> d.physfn().isPresent() && glob(v, d.physfn().get());
        case "PhysicalInterface" -> d.pfInterfaces().stream().anyMatch(x -> glob(v, x));
        default -> d.vfIndex().isPresent() && inRanges(v, d.vfIndex().getAsInt());
      };
    }
    return any != w.negated();
  }

  /** A glob over a module name, in which - and _ are one character (the values drawn have no [...]). */
  private static boolean moduleGlob(String pattern, String module) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(switch (c) {
        case '*' -> ".*";
        case '?' -> ".";
        case '-', '_' -> "[-_]";
        default -> Pattern.quote(String.valueOf(c));
      });
    }
    return module.matches(regex.toString());
  }

  private static boolean inRanges(String v, int index) {
    for (String part : v.split(",")) {
      String[] b = part.split("-");
      if (index >= Integer.parseInt(b[0]) && index <= Integer.parseInt(b[b.length - 1])) {
        return true;
      }
    }
    return false;
  }

  private static String hex(String v) {
    String s = v.toLowerCase(Locale.ROOT);
    return s.startsWith("0x") ? s.substring(2) : s;
  }

  private static String pad(String v) {
    return v.contains("?") ? v : "0".repeat(4 - v.length()) + v;
  }

  private static String word(String v) {
    for (String[] w : WORDS) {
      if (w[0].equals(v)) {
        return w[1] + "????";
      }
    }
    return v;
  }

  private static boolean glob(String pattern, String text) {
    String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
    return text.matches(regex);
  }

  private static <T> T pick(Random r, T[] from) {
    return from[r.nextInt(from.length)];
  }
}
