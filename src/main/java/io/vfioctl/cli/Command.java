package io.vfioctl.cli;

import java.util.Optional;

/** The commands and how many arguments each takes. */
enum Command {
  SET_OVERRIDE("set-override", 2, 2, "<device> <driver>"),
  UNSET_OVERRIDE("unset-override", 1, 1, "<device>"),
  LOAD_OVERRIDE("load-override", 1, 1, "<device> (or --all alone)"),
  LIST_DEVICES("list-devices", 0, 1, "[type]"),
  LIST_OVERRIDES("list-overrides", 0, 1, "[type]"),
  LIST_PERSISTED("list-persisted", 0, 0, "no arguments"),
  VFIO_DRIVER("vfio-driver", 1, 1, "<device>"),
  RECOVER("recover", 0, 0, "no arguments"),
  DETACH("detach", 1, 1, "<device>"),
  REATTACH("reattach", 1, 1, "<device>"),
  STATUS("status", 0, Integer.MAX_VALUE, "[device...]"),
  DOMAIN("domain", 2, 2, "check|prepare|release <file>|-"),
  LIBVIRT_HOOK("libvirt-hook", 4, 4, "<domain> <operation> <sub-operation> <extra>, as libvirt runs a hook");

  final String word;
  final int minArgs;
  final int maxArgs;
  final String argsText;

  Command(String word, int minArgs, int maxArgs, String argsText) {
    this.word = word;
    this.minArgs = minArgs;
    this.maxArgs = maxArgs;
    this.argsText = argsText;
  }

  static Optional<Command> byWord(String word) {
    for (Command c : values()) {
      if (c.word.equals(word)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code n} arguments fit; {@code load-override --all} takes none. */
  boolean takes(int n, boolean all) {
    if (this == LOAD_OVERRIDE && all) {
      return n == 0;
    }
    return n >= minArgs && n <= maxArgs;
  }

  boolean changesBindings() {
    return this == SET_OVERRIDE || this == UNSET_OVERRIDE || this == LOAD_OVERRIDE || this == DETACH || this == REATTACH;
  }

  /** The commands that take {@code --group} and {@code --vfs}. */
  boolean takesScope() {
    return this == SET_OVERRIDE || this == UNSET_OVERRIDE || this == DETACH || this == REATTACH;
  }

  /** The commands that may take a device from its host: {@code --force} and {@code --noiommu} go with them. */
  boolean bindsVfio() {
    return this == SET_OVERRIDE || this == LOAD_OVERRIDE || this == DETACH || this == DOMAIN;
  }
}
