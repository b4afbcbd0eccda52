package io.vfioctl.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules compiled into sh, for two scripts: the hot-plug matcher that the udev rule runs for a
 * device that appears ({@link #of}), so that a device no rule can bind starts no JVM; and the
 * initramfs's early script, which decides devices before udev (the {@code early} package). Both
 * decide from the device's sysfs directory alone: the IDs, the class, the address, the PF and the
 * NUMA node. A key the sh cannot evaluate (the interface of the PF, the VF's index, the driver,
 * current or default) makes a rule's function answer "unknown" when its other keys hold: the hot-plug matcher takes
 * that as a yes (it may say yes where no rule binds, never no where one does), the early script
 * leaves the device to the boot unit. Every value it holds passed {@link MatchValues}: hex digits,
 * {@code :}, {@code .} and glob characters, nothing the shell would read as anything else.
 */
public final class MatchScript {
  private static final String HEX = "[0-9a-fA-F]";
  /** A name {@link io.vfioctl.core.PciAddress#isValid} accepts, and only those. */
  private static final String ADDRESS = HEX.repeat(4) + ":" + HEX.repeat(2) + ":[01]" + HEX + ".[0-7]";
  /** What a rule's function returns when its evaluable keys hold but it has others. */
  public static final int UNKNOWN = 2;

  private MatchScript() {}

  /** Whether a device may need a rule: some rule binds devices (a {@code none} rule binds none). */
  public static boolean needed(RuleSet rules) {
    return rules.rules().stream().anyMatch(r -> !r.keepsHostDriver());
  }

  /** The script: {@code sh match.sh /sys/devices/.../DDDD:BB:DD.F} exits 0 when a rule may bind the device. */
  public static String of(RuleSet rules) {
    List<Rule> binding = rules.rules().stream().filter(r -> !r.keepsHostDriver()).toList();
    StringBuilder b = new StringBuilder("""
        # Written by vfioctl from the binding rules (vfioctl.bind(5)) whenever rules apply runs; do not edit.
        # sh match.sh SYSFS-DEVICE-DIR: exit 0 when a rule may bind the device, 1 when none can.
        d=${1%/}
        a=${d##*/}
        """).append(ID_FUNCTION).append(reads(binding));
    for (Rule r : binding) {
      b.append(function(r, "r")).append("r; [ $? = 1 ] || exit 0\n");
    }
    return b.append("exit 1\n").toString();
  }

  /** {@code id FILE}: the device's attribute FILE (below {@code $d}) in {@code v}, without {@code 0x}; empty when absent. */
  public static final String ID_FUNCTION = "id() { v=; [ -r \"$d/$1\" ] && read -r v <\"$d/$1\"; v=${v#0x}; }\n";

  /**
   * The lines that read into shell variables the facts that {@code rules} ask about, of the device
   * whose directory is {@code $d} (its address in {@code $a}); {@link #ID_FUNCTION} must be defined.
   */
  public static String reads(List<Rule> rules) {
    StringBuilder b = new StringBuilder();
    if (rules.stream().anyMatch(r -> uses(r, MatchKey.PHYSICAL_FUNCTION))) {
      b.append("pf=\n[ -L \"$d/physfn\" ] && pf=$(readlink \"$d/physfn\") && pf=${pf##*/}\n")
          .append("case $pf in ").append(ADDRESS).append(") ;; *) pf= ;; esac\n");
    }
    for (MatchKey k : List.of(MatchKey.VENDOR, MatchKey.DEVICE, MatchKey.SUBSYSTEM_VENDOR, MatchKey.SUBSYSTEM_DEVICE,
        MatchKey.CLASS, MatchKey.NUMA_NODE)) {
      if (rules.stream().anyMatch(r -> uses(r, k))) {
        b.append("id ").append(file(k)).append("; ").append(variable(k)).append("=$v\n");
      }
    }
    return b.toString();
  }

  /**
   * The sh function {@code name} for one rule, over the variables {@link #reads} sets: it returns 0
   * when the rule matches, 1 when it does not, {@link #UNKNOWN} when the keys it can evaluate hold
   * and it has others.
   */
  public static String function(Rule r, String name) {
    StringBuilder b = new StringBuilder("# ").append(r.where()).append('\n').append(name).append("() {\n");
    for (Condition c : r.match()) {
      String variable = variable(c.key());
      if (variable != null) {
        b.append("  { [ -n \"$").append(variable).append("\" ] && case $").append(variable).append(" in ")
            .append(patterns(c.values())).append(") true ;; *) false ;; esac; } ")
            .append(c.negated() ? "&&" : "||").append(" return 1\n");
      }
    }
    boolean exact = r.match().stream().allMatch(c -> evaluable(c.key()));
    return b.append("  return ").append(exact ? 0 : UNKNOWN).append("\n}\n").toString();
  }

  /** Whether the sh reads the fact of {@code key} exactly as the Java matcher does. */
  public static boolean evaluable(MatchKey key) {
    return variable(key) != null;
  }

  /**
   * What the sh decides for a device, as the early script does, said in Java: the first rule whose
   * function does not return 1 decides; a rule answering {@link #UNKNOWN} decides nothing.
   *
   * @param rule the rule that decides the device, if the sh knows one
   * @param unknown whether a rule with keys the sh cannot evaluate stopped it
   */
  public record Verdict(Optional<Rule> rule, boolean unknown) {
    public static Verdict of(RuleSet rules, Facts d) {
      for (Rule r : rules.rules()) {
        if (r.match().stream().filter(c -> evaluable(c.key())).allMatch(c -> c.test(d))) {
          boolean exact = r.match().stream().allMatch(c -> evaluable(c.key()));
          return new Verdict(exact ? Optional.of(r) : Optional.empty(), !exact);
        }
      }
      return new Verdict(Optional.empty(), false);
    }

    /** Whether the sh binds the device by a rule. */
    public boolean binds() {
      return rule.isPresent() && !rule.get().keepsHostDriver();
    }
  }

  private static boolean uses(Rule r, MatchKey key) {
    return r.match().stream().anyMatch(c -> c.key() == key);
  }

  /** The shell variable holding the fact a key asks about, or null for a key the script cannot evaluate. */
  private static String variable(MatchKey key) {
    return switch (key) {
      case VENDOR -> "vendor";
      case DEVICE -> "device";
      case SUBSYSTEM_VENDOR -> "svendor";
      case SUBSYSTEM_DEVICE -> "sdevice";
      case CLASS -> "class";
      case ADDRESS -> "a";
      case PHYSICAL_FUNCTION -> "pf";
      case NUMA_NODE -> "numa";
      default -> null;
    };
  }

  private static String file(MatchKey key) {
    return switch (key) {
      case SUBSYSTEM_VENDOR -> "subsystem_vendor";
      case SUBSYSTEM_DEVICE -> "subsystem_device";
      case NUMA_NODE -> "numa_node";
      default -> variable(key);
    };
  }

  /** Globs as a case pattern: {@code [^...]} spelled {@code [!...]}, which every POSIX sh reads. */
  private static String patterns(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      out.add(v.replace("[^", "[!"));
    }
    return String.join("|", out);
  }
}
