package io.vfioctl.cli;

import io.vfioctl.core.DeviceType;
import io.vfioctl.core.Names;
import io.vfioctl.host.PersistedOverrides;
import io.vfioctl.device.DeviceInfo;
import io.vfioctl.device.Inventory;
import io.vfioctl.device.NoOverridableDevicesException;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.core.VfioctlException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** list-devices, list-overrides and list-persisted, as driverctl's text or as JSON. */
final class ListCommands {
  private final Inventory inventory;
  private final VfioResolver vfio;
  private final Options options;
  private final PrintStream out;

  ListCommands(Inventory inventory, VfioResolver vfio, Options options, PrintStream out) {
    this.inventory = inventory;
    this.vfio = vfio;
    this.options = options;
    this.out = out;
  }

  private static ListCommands of(Invocation in) {
    return new ListCommands(in.services().inventory(), in.services().vfio(), in.options(), in.out());
  }

  /** {@code list-devices [TYPE]}, and {@code list-overrides [TYPE]}: only the devices with an override. */
  static final class Devices extends Command {
    private final boolean overridesOnly;

    Devices(String name, boolean overridesOnly) {
      super(name, "[type]", 0, 1, Option.VFIO, Option.JSON);
      this.overridesOnly = overridesOnly;
    }

    @Override
    String family() {
      return "the list commands";
    }

    @Override
    int run(Invocation in) throws VfioctlException {
      of(in).devices(overridesOnly);
      return 0;
    }
  }

  /** {@code list-persisted}: the saved overrides. */
  static final class Persisted extends Command {
    Persisted() {
      super("list-persisted", "no arguments", 0, 0, Option.JSON);
    }

    @Override
    String family() {
      return "the list commands";
    }

    @Override
    int run(Invocation in) throws VfioctlException {
      of(in).persisted();
      return 0;
    }
  }

  void devices(boolean overridesOnly) throws VfioctlException {
    DeviceType type = DeviceType.ALL;
    if (!options.arguments().isEmpty()) {
      type = DeviceType.byName(options.arguments().get(0)).orElseThrow(
          () -> new VfioctlException("device type must be one of: " + DeviceType.DRIVERCTL_ORDER));
    }
    if (options.json()) {
      List<DeviceInfo> devices;
      try {
        devices = inventory.devices(type, overridesOnly, Inventory.Detail.FULL);
      } catch (NoOverridableDevicesException e) {
        devices = List.of(); // an empty list is an answer, not an error, to a program
      }
      List<Object> rows = new ArrayList<>();
      for (DeviceInfo d : devices) {
        Map<String, Object> row = json(d);
        row.put("vfio_driver", bestVfio(d));
        rows.add(row);
      }
      out.print(Json.write(Map.of("devices", rows)));
      return;
    }
    List<DeviceInfo> devices = inventory.devices(type, overridesOnly,
        options.has(Option.VFIO) ? Inventory.Detail.WITH_MODALIAS : Inventory.Detail.BRIEF);
    if (options.has(Option.VFIO)) {
      vfio.requireAliases();
    }
    for (DeviceInfo d : devices) {
      StringBuilder line = new StringBuilder(Names.printable(d.address())).append(' ')
          .append(d.driver().map(Names::printable).orElse("(none)"));
      if (options.has(Option.VFIO)) {
        line.append(' ').append(bestVfio(d).orElse("(unknown)"));
      }
      if (!overridesOnly && d.override().isPresent()) {
        line.append(" [*]");
      }
      out.println(line);
    }
  }

  void persisted() throws VfioctlException {
    List<PersistedOverrides.Entry> entries = inventory.persisted();
    if (options.json()) {
      List<Object> rows = new ArrayList<>();
      for (PersistedOverrides.Entry e : entries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", e.device());
        m.put("driver", e.driver());
        rows.add(m);
      }
      out.print(Json.write(Map.of("persisted", rows)));
      return;
    }
    // driverctl prints the files raw; a newline or an escape sequence in one must not forge an
    // entry or reach the terminal.
    for (PersistedOverrides.Entry e : entries) {
      out.println(Names.printable(e.device()) + " " + Names.printable(e.driver()));
    }
  }

  /** The best VFIO driver of a listed device, or empty when it cannot be told. */
  private Optional<String> bestVfio(DeviceInfo d) {
    if (d.modalias().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(vfio.resolve(d.address(), d.modalias().get()).best().driver());
    } catch (VfioctlException e) {
      return Optional.empty();
    }
  }

  private static Map<String, Object> json(DeviceInfo d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", d.address());
    m.put("vendor", d.vendor());
    m.put("device", d.device());
    m.put("subsystem_vendor", d.subsystemVendor());
    m.put("subsystem_device", d.subsystemDevice());
    m.put("class", d.classCode());
    m.put("modalias", d.modalias());
    m.put("driver", d.driver());
    m.put("override", d.override());
    m.put("persisted", d.persisted());
    m.put("iommu_group", d.iommuGroup().map(Json::numberOrText));
    m.put("numa_node", d.numaNode().map(Json::numberOrText));
    m.put("vfio_bound", d.vfioBound());
    m.put("physfn", d.physfn());
    m.put("virtfns", d.virtfns());
    return m;
  }
}
