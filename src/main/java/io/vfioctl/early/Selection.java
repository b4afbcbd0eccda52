package io.vfioctl.early;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.host.EarlyRecord;
import io.vfioctl.host.Host;
import io.vfioctl.host.PersistedOverrides;
import io.vfioctl.inuse.DeviceUse;
import io.vfioctl.rules.Facts;
import io.vfioctl.rules.MatchScript;
import io.vfioctl.rules.Rule;
import io.vfioctl.rules.RuleFiles;
import io.vfioctl.rules.RuleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the initramfs's early script is compiled from: the saved overrides that hand a device to
 * VFIO or to no driver ({@code vfio}, a VFIO driver, {@code none}), by address; the addresses of
 * the other saved overrides (the rules never decide those, and they wait for the boot unit as
 * before); and the binding rules. Its {@link #digest} is what a build records and what the early
 * script reports, so that a change the initramfs does not reflect can be told.
 *
 * @param overrides the early saved overrides, address to driver word
 * @param others the addresses of the other saved overrides
 */
public record Selection(Map<String, String> overrides, Set<String> others, RuleSet rules) {

  /** A driver word or file name that may stand in the script as it is. */
  static final String PLAIN = "[A-Za-z0-9_.:-]+";

  /** Whether a saved override with this driver word is applied in the initramfs. */
  public static boolean early(String word) {
    return (word.equals("vfio") || word.equals(Rule.NONE) || word.contains("vfio")) && word.matches(PLAIN);
  }

  /** Whether the early script can bind by this rule: its driver and file name are plain words. */
  static boolean plain(Rule r) {
    return r.driver().matches(PLAIN) && r.name().matches(PLAIN);
  }

  /** The saved overrides of the PCI bus and the rules in effect below the host's root. */
  public static Selection read(Host host) throws IOException {
    Map<String, String> overrides = new TreeMap<>();
    Set<String> others = new TreeSet<>();
    for (PersistedOverrides.Entry e : host.persisted().list(DeviceName.PCI)) {
      if (early(e.driver())) {
        overrides.put(e.device(), e.driver());
      } else {
        others.add(e.device());
      }
    }
    RuleSet rules = new RuleFiles(host.files()).any() ? new RuleFiles(host.files()).read() : RuleSet.EMPTY;
    return new Selection(overrides, others, rules);
  }

  /**
   * What the early script does with a device, said in Java: a saved override decides by address;
   * otherwise the first rule decides as the sh evaluates it ({@link MatchScript.Verdict}).
   *
   * @param source {@link EarlyRecord#BY_OVERRIDE} or the rule file's name
   * @param rule the rule that selects it, for a device a rule selects
   */
  public record Pick(String word, String source, Optional<Rule> rule) {
    /**
     * What at boot (the root disk, the console) keeps an initramfs build from taking the device
     * at {@code device}; none when nothing does, or its rule says {@code Force=yes}.
     */
    public List<String> bootUses(DevicePaths device, DeviceUse use) {
      return rule.map(Rule::force).orElse(false) ? List.of() : use.bootUses(device);
    }
  }

  /** Empty when the early script leaves the device alone. */
  public Optional<Pick> pick(Facts d) {
    String word = overrides.get(d.address());
    if (word != null) {
      return Optional.of(new Pick(word, EarlyRecord.BY_OVERRIDE, Optional.empty()));
    }
    if (others.contains(d.address())) {
      return Optional.empty();
    }
    MatchScript.Verdict v = MatchScript.Verdict.of(rules, d);
    if (!v.binds() || !plain(v.rule().get())) {
      return Optional.empty();
    }
    Rule r = v.rule().get();
    return Optional.of(new Pick(r.driver(), r.name(), Optional.of(r)));
  }

  /** Whether the early script would take nothing: no early saved override, no rule that binds. */
  public boolean takesNothing() {
    return overrides.isEmpty() && rules.rules().stream().allMatch(Rule::keepsHostDriver);
  }

  /** SHA-256 of what the early script does, in hex: equal selections, equal digests. */
  public String digest() {
    StringBuilder b = new StringBuilder();
    overrides.forEach((device, word) -> b.append("override ").append(device).append(' ').append(word).append('\n'));
    if (rules.rules().stream().anyMatch(r -> !r.keepsHostDriver())) {
      // They only keep the rules off their devices: without a rule that binds, they change nothing early.
      others.forEach(device -> b.append("other ").append(device).append('\n'));
    }
    // Not the line: a comment added above [Match] changes nothing the script does.
    rules.rules().forEach(r -> b.append("rule ").append(r.file()).append(' ').append(r.describe()).append('\n'));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (byte x : hash) {
        hex.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
