package io.vfioctl.rules;

import java.util.List;

/**
 * One rule file: every condition must hold (they AND together), then the device goes to
 * {@code driver}.
 *
 * @param file the file as the user knows it ({@code /etc/vfioctl/bind.d/50-gpus.conf})
 * @param line the line of its {@code [Match]} section
 * @param driver {@code vfio} (the best fit), a driver name, or {@code none} (keep the host driver)
 * @param group take the whole IOMMU group
 * @param force take the device even when the host uses it
 */
public record Rule(String file, int line, List<Condition> match, String driver, boolean group, boolean force) {
  public static final String NONE = "none";

  public boolean matches(Facts d) {
    // All must hold, so the order is free: the cheapest first, so that a failing one spares reading the rest.
    for (int cost = 0; cost <= MatchKey.MAX_COST; cost++) {
      for (Condition c : match) {
        if (c.key().cost() == cost && !c.test(d)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether it leaves matching devices with their host driver. */
  public boolean keepsHostDriver() {
    return driver.equals(NONE);
  }

  /** {@code FILE:LINE}. */
  public String where() {
    return file + ":" + line;
  }

  /** The file's name without its directory: what the ownership record and status name. */
  public String name() {
    return file.substring(file.lastIndexOf('/') + 1);
  }

  /** The rule on one line: {@code Vendor=10de Class=03???? -> vfio group force}. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (Condition c : match) {
      b.append(c).append(' ');
    }
    b.append("-> ").append(driver);
    if (group) {
      b.append(" group");
    }
    if (force) {
      b.append(" force");
    }
    return b.toString();
  }
}
