package io.vfioctl.rules;

import io.vfioctl.core.Glob;
import java.util.List;
import java.util.Optional;

/**
 * One {@code [Match]} line: the device passes when any of {@code values} matches its fact, or,
 * {@code negated} (a leading {@code !}), when none does. Values are globs, already normalized
 * (lower-case hex without {@code 0x}); {@code VirtualFunctionIndex} values are ranges {@code lo-hi}.
 *
 * @param line where it is in its file
 */
public record Condition(MatchKey key, List<String> values, boolean negated, int line) {

  public boolean test(Facts d) {
    return anyMatches(d) != negated;
  }

  private boolean anyMatches(Facts d) {
    return switch (key) {
      case VENDOR -> any(d.vendor());
      case DEVICE -> any(d.device());
      case SUBSYSTEM_VENDOR -> any(d.subsystemVendor());
      case SUBSYSTEM_DEVICE -> any(d.subsystemDevice());
      case CLASS -> any(d.classCode());
      case ADDRESS -> any(d.address());
      case PHYSICAL_FUNCTION -> d.physfn().isPresent() && any(d.physfn().get());
      case VIRTUAL_FUNCTION_INDEX -> d.vfIndex().isPresent() && inRanges(d.vfIndex().getAsInt());
      case PHYSICAL_INTERFACE -> anyOf(d.pfInterfaces());
      case DRIVER -> byDriver(d) || byDefaultDriver(d);
      case NUMA_NODE -> any(d.numaNode());
    };
  }

  /**
   * Whether a value names the device's default host driver; asked only when its current (or
   * recorded) driver matched none, so that the modules.alias it may take is read only then.
   */
  public boolean byDefaultDriver(Facts d) {
    Optional<DefaultDriver> dflt = d.defaultDriver();
    if (dflt.isEmpty()) {
      return false;
    }
    for (int i = 0; i < values.size(); i++) {
      if (dflt.get().matches(values.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether a value names one of the device's current or recorded drivers. */
  public boolean byDriver(Facts d) {
    return anyOf(d.drivers());
  }

  private boolean anyOf(List<String> facts) {
    for (int i = 0; i < facts.size(); i++) {
      if (any(facts.get(i))) {
        return true;
      }
    }
    return false;
  }

  private boolean any(String fact) {
    if (fact == null || fact.isEmpty()) {
      return false;
    }
    for (int i = 0; i < values.size(); i++) {
      if (Glob.matches(values.get(i), fact)) {
        return true;
      }
    }
    return false;
  }

  private boolean inRanges(int index) {
    for (String v : values) {
      int dash = v.indexOf('-');
      int lo = Integer.parseInt(dash < 0 ? v : v.substring(0, dash));
      int hi = dash < 0 ? lo : Integer.parseInt(v.substring(dash + 1));
      if (index >= lo && index <= hi) {
        return true;
      }
    }
    return false;
  }

  /** As written in a rule file: {@code Vendor=!10de 1002}. */
  @Override
  public String toString() {
    return key.spelling() + "=" + (negated ? "!" : "") + String.join(" ", values);
  }
}
