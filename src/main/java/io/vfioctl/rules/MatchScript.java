package io.vfioctl.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules compiled into a few lines of sh that the udev rule runs for a device that appears,
 * so that a device no rule can bind starts no JVM. It decides from the device's sysfs directory
 * alone: the IDs, the class, the address and the PF. A key it cannot evaluate (the interface of
 * the PF, the VF's index, the driver, the NUMA node) counts as matching, negated or not, so the
 * script may say yes where no rule binds, never no where one does. Every value it holds passed
 * {@link MatchValues}: hex digits, {@code :}, {@code .} and glob characters, nothing the shell
 * would read as anything else.
 */
public final class MatchScript {
  private static final String HEX = "[0-9a-fA-F]";
  /** A name {@link io.vfioctl.core.PciAddress#isValid} accepts, and only those. */
  private static final String ADDRESS = HEX.repeat(4) + ":" + HEX.repeat(2) + ":[01]" + HEX + ".[0-7]";

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
        id() { v=; [ -r "$d/$1" ] && read -r v <"$d/$1"; v=${v#0x}; }
        """);
    if (binding.stream().anyMatch(r -> uses(r, MatchKey.PHYSICAL_FUNCTION))) {
      b.append("pf=\n[ -L \"$d/physfn\" ] && pf=$(readlink \"$d/physfn\") && pf=${pf##*/}\n")
          .append("case $pf in ").append(ADDRESS).append(") ;; *) pf= ;; esac\n");
    }
    for (MatchKey k : List.of(MatchKey.VENDOR, MatchKey.DEVICE, MatchKey.SUBSYSTEM_VENDOR, MatchKey.SUBSYSTEM_DEVICE,
        MatchKey.CLASS)) {
      if (binding.stream().anyMatch(r -> uses(r, k))) {
        b.append("id ").append(file(k)).append("; ").append(variable(k)).append("=$v\n");
      }
    }
    for (Rule r : binding) {
      b.append("# ").append(r.where()).append('\n').append("r() {\n");
      for (Condition c : r.match()) {
        String variable = variable(c.key());
        if (variable != null) {
          b.append("  { [ -n \"$").append(variable).append("\" ] && case $").append(variable).append(" in ")
              .append(patterns(c.values())).append(") true ;; *) false ;; esac; } ")
              .append(c.negated() ? "&&" : "||").append(" return 1\n");
        }
      }
      b.append("  return 0\n}\nr && exit 0\n");
    }
    return b.append("exit 1\n").toString();
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
      default -> null;
    };
  }

  private static String file(MatchKey key) {
    return switch (key) {
      case SUBSYSTEM_VENDOR -> "subsystem_vendor";
      case SUBSYSTEM_DEVICE -> "subsystem_device";
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
