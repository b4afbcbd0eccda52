package io.vfioctl.early;

import io.vfioctl.core.VfioAlias;
import io.vfioctl.host.EarlyRecord;
import io.vfioctl.rules.MatchScript;
import io.vfioctl.rules.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sh script the initramfs runs before udev's coldplug (no JVM there). Pass one walks the PCI
 * devices and writes {@code driver_override} for each that a saved override (by address) or a
 * binding rule (by what the device is, compiled by {@link MatchScript}) selects, so that no host
 * driver loaded later binds it. Pass two loads the chosen modules, corrects the override when a
 * module registered another driver name than predicted, unbinds a host driver already bound
 * (built in, or loaded as another module's dependency) and probes the device again; each device
 * taken is recorded in {@link EarlyRecord#DIR}. Pass one comes first so that a module's
 * dependency (a variant driver's {@code mlx5_core}) finds every selected device already
 * overridden.
 *
 * <p>{@code vfio} is resolved per device, in sh, from its modalias: the {@code vfio_pci:}
 * aliases of the modules copied into the initramfs, best fit first, as a {@code case} whose
 * first matching pattern is the best candidate. A saved override of another kind decides its
 * device without the rules and is left to the boot unit, as is a device that a rule with a key
 * the sh cannot evaluate might decide.
 */
final class EarlyScript {
  /** What a case pattern may hold: a modalias glob, nothing the shell reads otherwise. */
  private static final String SAFE_PATTERN = "[A-Za-z0-9*?\\[\\]!^:._-]+";

  private EarlyScript() {}

  /**
   * @param ranked the aliases of the modules in the initramfs, best fit first
   * @param driverOfModule the driver name each of those modules is predicted to register
   * @param moduleOfDriver for a driver named in an override or rule, the module that provides it
   */
  static String of(Selection sel, String kernel, String builder, List<VfioAlias> ranked,
      Map<String, String> driverOfModule, Map<String, String> moduleOfDriver) {
    StringBuilder b = new StringBuilder("#!/bin/sh\n")
        .append("# Written by vfioctl initramfs for kernel ").append(kernel).append(" (").append(builder)
        .append("); do not edit. See vfioctl(8), \"Binding before host drivers\".\n")
        .append("""
            # Before udev: driver_override for each device the saved overrides and binding rules select,
            # then the VFIO modules, then a host driver already bound is unbound and the device probed.
            # VFIOCTL_EARLY_ROOT is a root prefix for tests only (its sbin/modprobe is then used).
            R=${VFIOCTL_EARLY_ROOT:-}
            mp=modprobe
            [ -z "$R" ] || mp=$R/sbin/modprobe
            rec=$R/run/vfioctl/early
            mkdir -p "$rec" 2>/dev/null || exit 0
            """).append(MatchScript.ID_FUNCTION);
    pick(b, ranked, driverOfModule, moduleOfDriver);
    b.append("""
        todo=
        sel() { # WORD SOURCE: select device $d ($a)
          pick "$1"
          echo "$p" >"$d/driver_override" 2>/dev/null || return 0
          todo="$todo$a ${m:--} $p $2
        "
        }
        """);
    List<Rule> rules = sel.rules().rules();
    for (int i = 0; i < rules.size(); i++) {
      b.append(MatchScript.function(rules.get(i), "r" + i));
    }
    b.append("for d in \"$R\"/sys/bus/pci/devices/*; do\n  a=${d##*/}\n  [ -e \"$d/driver_override\" ] || continue\n");
    if (!sel.overrides().isEmpty() || !sel.others().isEmpty()) {
      b.append("  case $a in\n");
      sel.overrides().forEach((device, word) -> b.append("  ").append(device).append(") sel ").append(word)
          .append(' ').append(EarlyRecord.BY_OVERRIDE).append("; continue ;;\n"));
      sel.others().forEach(device -> b.append("  ").append(device).append(") continue ;;\n"));
      b.append("  esac\n");
    }
    if (rules.stream().anyMatch(r -> !r.keepsHostDriver())) {
      for (String line : MatchScript.reads(rules).split("\n")) {
        b.append(line.isEmpty() ? "" : "  " + line + "\n");
      }
      for (int i = 0; i < rules.size(); i++) {
        Rule r = rules.get(i);
        // A rule whose words could not stand in the script unquoted decides its devices for the boot unit.
        b.append("  r").append(i).append("; case $? in ").append(r.keepsHostDriver() || !Selection.plain(r)
            ? "0|2) continue" : "0) sel " + r.driver() + " " + r.name() + "; continue ;; 2) continue")
            .append(" ;; esac\n");
      }
    }
    b.append("done\n").append("""
        loaded=" "
        while read -r a m p src; do
          [ -n "$a" ] || continue
          d=$R/sys/bus/pci/devices/$a
          drv=$p
          if [ "$m" != - ]; then
            case $loaded in *" $m "*) ;; *) $mp -q "$m" 2>/dev/null; loaded="$loaded$m " ;; esac
            for l in "$R/sys/module/$m/drivers/pci:"*; do [ -e "$l" ] || [ -L "$l" ] && drv=${l##*/pci:}; done
            [ "$drv" = "$p" ] || echo "$drv" >"$d/driver_override" 2>/dev/null
          fi
          cur=
          if cd -P "$d/driver" 2>/dev/null; then cur=${PWD##*/}; cd /; fi
          from=-
          if [ -n "$cur" ] && [ "$cur" != "$drv" ]; then echo "$a" >"$d/driver/unbind" 2>/dev/null; from=$cur; fi
          [ "$cur" = "$drv" ] || [ "$drv" = none ] || echo "$a" >"$R/sys/bus/pci/drivers_probe" 2>/dev/null
          echo "$drv $from $src" >"$rec/pci-$a"
          [ -w "$R/dev/kmsg" ] && echo "vfioctl: $a: $drv before udev ($src; host driver $from)" >"$R/dev/kmsg"
        done <<EOF
        $todo
        EOF
        """);
    return b.append("printf 'inputs %s\\nbuilder %s\\nkernel %s\\n' ").append(sel.digest()).append(' ')
        .append(builder).append(' ').append(kernel).append(" >\"$rec/").append(EarlyRecord.RAN).append("\"\nexit 0\n")
        .toString();
  }

  /** {@code pick WORD}: the module to load ({@code m}, empty for none) and the driver it is predicted to register ({@code p}). */
  private static void pick(StringBuilder b, List<VfioAlias> ranked, Map<String, String> driverOfModule,
      Map<String, String> moduleOfDriver) {
    b.append("pick() {\n  m= p=$1\n  case $1 in\n  vfio)\n    id modalias; ma=${v#pci:}\n    case $ma in\n");
    List<String> seen = new ArrayList<>();
    for (VfioAlias a : ranked) {
      String pattern = a.alias().substring(VfioAlias.PREFIX.length());
      if (pattern.matches(SAFE_PATTERN) && !seen.contains(pattern)) {
        seen.add(pattern);
        b.append("    ").append(pattern.replace("[^", "[!")).append(") m=").append(a.module()).append(" p=")
            .append(driverOfModule.get(a.module())).append(" ;;\n");
      }
    }
    b.append("    *) m=").append(VfioAlias.GENERIC_MODULE).append(" p=vfio-pci ;;\n    esac ;;\n");
    moduleOfDriver.entrySet().stream().filter(e -> e.getKey().matches(Selection.PLAIN)).forEach(e -> b.append("  ").append(e.getKey()).append(") m=")
        .append(e.getValue()).append(" ;;\n"));
    b.append("  esac\n}\n");
  }
}
