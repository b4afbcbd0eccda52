package io.vfioctl.rules;

import io.vfioctl.core.Glob;

/**
 * The host driver that would claim a device that has none: the module whose {@code pci:} alias
 * matches its modalias, and the PCI driver that module registers once loaded. A {@code Driver=}
 * value matches the driver name as it is, or the module name with {@code -} and {@code _} the
 * same, as kmod treats module names ({@code Driver=virtio-pci} matches module {@code virtio_pci}).
 *
 * @param module as modules.alias names it
 * @param driver the driver name from {@code /sys/module/<module>/drivers}, empty while not loaded
 */
public record DefaultDriver(String module, String driver) {

  /** Whether the glob {@code value} names it. */
  public boolean matches(String value) {
    return !driver.isEmpty() && Glob.matches(value, driver)
        || Glob.matches(underscored(value), module.replace('-', '_'));
  }

  /** As {@code rules check} shows it: {@code xhci_hcd (module xhci_pci)}. */
  @Override
  public String toString() {
    return driver.isEmpty() || driver.equals(module) ? module : driver + " (module " + module + ")";
  }

  /** The glob with each {@code -} outside a {@code [...]} set spelled {@code _}: inside, it makes a range. */
  static String underscored(String glob) {
    StringBuilder b = new StringBuilder(glob.length());
    boolean inSet = false;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '[' && !inSet) {
        inSet = true;
      } else if (c == ']' && inSet && glob.charAt(i - 1) != '[') {
        inSet = false;
      }
      b.append(c == '-' && !inSet ? '_' : c);
    }
    return b.toString();
  }
}
