package io.vfioctl.cli;

import io.vfioctl.core.DeviceState;
import io.vfioctl.core.GroupMember;
import io.vfioctl.core.Names;
import io.vfioctl.status.DeviceStatus;
import io.vfioctl.device.IommuGroups;
import io.vfioctl.host.EarlyRecord;
import io.vfioctl.preflight.GroupViability;
import io.vfioctl.status.StatusReader;
import io.vfioctl.app.Services;
import io.vfioctl.core.VfioctlException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code vfioctl status [device...]}, as text or JSON; {@code --all}: every device. */
final class StatusCommand extends Command {
  StatusCommand() {
    super("status", "[device...] (or --all alone)", 0, Integer.MAX_VALUE, Option.ALL, Option.JSON);
  }

  @Override
  boolean takes(int n, Options o) {
    return o.all() ? n == 0 : super.takes(n, o);
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    run(in.services().status(), in.services().settings().bus(), in.options(), in.out(), in.services().ruleOwners(),
        in.services().earlyBoot());
    return 0;
  }

  /**
   * @param owners the rule file that owns each device a binding rule took
   * @param ranEarly what the initramfs bound at this boot; empty when no early script ran
   */
  static void run(StatusReader reader, String bus, Options o, PrintStream out, Map<String, String> owners,
      Optional<Services.EarlyBoot> ranEarly) throws VfioctlException {
    Map<String, EarlyRecord.Taken> early = ranEarly.map(Services.EarlyBoot::taken).orElse(Map.of());
    String rebuild = ranEarly.map(Services.EarlyBoot::rebuildCommand).orElse("");
    List<DeviceStatus> devices = new ArrayList<>();
    if (o.arguments().isEmpty()) {
      devices.addAll(reader.handedOver(bus, o.all()));
    } else {
      for (String device : o.arguments()) {
        devices.add(reader.read(device));
      }
    }
    if (o.json()) {
      List<Object> rows = new ArrayList<>();
      devices.forEach(d -> {
        Map<String, Object> row = json(d);
        row.put("rule", owners.get(d.address()));
        row.put("bound_early", Optional.ofNullable(early.get(d.address()))
            .map(t -> json(t, returned(d, owners.get(d.address()), t))));
        rows.add(row);
      });
      out.print(Json.write(Map.of("devices", rows)));
      return;
    }
    if (devices.isEmpty()) {
      out.println("no device is bound to VFIO, detached or overridden (status --all shows every device)");
    }
    for (int i = 0; i < devices.size(); i++) {
      if (i > 0) {
        out.println();
      }
      text(devices.get(i), out);
      String rule = owners.get(devices.get(i).address());
      if (rule != null) {
        line(out, "rule", rule + " (binding rule; vfioctl rules check)");
      }
      EarlyRecord.Taken taken = early.get(devices.get(i).address());
      if (ranEarly.isPresent()) {
        line(out, "early", taken == null ? "no (the initramfs did not bind it)" : taken.describe()
            + (returned(devices.get(i), rule, taken) ? taken.returned(devices.get(i).driver().orElse("no driver"), rebuild)
            : ""));
      }
    }
  }

  private static void text(DeviceStatus d, PrintStream out) {
    out.println(d.address() + " " + id(d.vendor()) + ":" + id(d.device()) + " class " + id(d.classCode()));
    line(out, "driver", d.driver().map(Names::printable).orElse("(none)") + (d.vfioBound() ? " (VFIO)" : ""));
    line(out, "override", d.override().map(Names::printable).orElse("(none)"));
    line(out, "saved", d.saved().map(Names::printable).orElse("(none)"));
    d.detachedFrom().ifPresent(from -> line(out, "detached", "from " + describe(from)));
    if (d.iommuGroup().isEmpty()) {
      line(out, "iommu group", "(none: no IOMMU)");
    } else {
      line(out, "iommu group", Names.printable(d.iommuGroup().get()) + ", " + GroupViability.now(d.blockers()));
      line(out, "members", IommuGroups.Group.describe(d.groupMembers()));
    }
    line(out, "in use", d.uses().isEmpty() ? "no" : String.join("; ", d.uses()));
    d.physfn().ifPresent(pf -> line(out, "sr-iov", "VF of " + pf));
    if (!d.virtfns().isEmpty()) {
      line(out, "sr-iov", "PF of " + d.virtfns().size() + " VFs (" + String.join(", ", d.virtfns())
          + "), drivers_autoprobe " + (d.driversAutoprobe().orElse(true) ? "1" : "0"));
    }
  }

  private static String id(Optional<String> hex) {
    return hex.map(h -> h.startsWith("0x") ? h.substring(2) : h).map(Names::printable).orElse("?");
  }

  /** One field of a device, as {@code status} and {@code domain check} print it: {@code   driver       vfio-pci}. */
  static void line(PrintStream out, String label, String value) {
    out.println("  " + label + " ".repeat(Math.max(1, 13 - label.length())) + value);
  }

  private static String describe(DeviceState s) {
    return s.driver().map(Names::printable).orElse("no driver") + " (override " + s.override().map(Names::printable)
        .orElse("none") + ")";
  }

  /** Whether the boot path returned a device the initramfs took: it is elsewhere now, and nothing selects it. */
  private static boolean returned(DeviceStatus d, String rule, EarlyRecord.Taken taken) {
    return rule == null && d.saved().isEmpty() && !d.driver().equals(Optional.of(taken.driver()));
  }

  private static Map<String, Object> json(EarlyRecord.Taken t, boolean returned) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("driver", t.driver());
    m.put("host_driver", t.hostDriver().isEmpty() ? null : t.hostDriver());
    m.put("source", t.source());
    m.put("returned", returned);
    return m;
  }

  private static Map<String, Object> json(DeviceStatus d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", d.address());
    m.put("vendor", d.vendor());
    m.put("device", d.device());
    m.put("class", d.classCode());
    m.put("driver", d.driver());
    m.put("vfio_bound", d.vfioBound());
    m.put("override", d.override());
    m.put("persisted", d.saved());
    m.put("detached_from", d.detachedFrom().map(s -> {
      Map<String, Object> from = new LinkedHashMap<>();
      from.put("driver", s.driver());
      from.put("override", s.override());
      return from;
    }));
    m.put("iommu_group", d.iommuGroup().map(Json::numberOrText));
    List<Object> members = new ArrayList<>();
    for (GroupMember g : d.groupMembers()) {
      Map<String, Object> member = new LinkedHashMap<>();
      member.put("address", g.device());
      member.put("driver", g.driver());
      member.put("vfio_bound", g.vfioBound());
      member.put("bridge", g.bridge());
      members.add(member);
    }
    m.put("group_members", members);
    m.put("group_viable", d.iommuGroup().isEmpty() ? null : d.blockers().isEmpty());
    m.put("in_use", d.uses());
    m.put("physfn", d.physfn());
    m.put("virtfns", d.virtfns());
    m.put("sriov_drivers_autoprobe", d.driversAutoprobe());
    return m;
  }
}
