package io.vfioctl.cli;

import io.vfioctl.core.Log;
import io.vfioctl.device.DeviceLocator;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.resolve.VfioResolver.Choice;
import io.vfioctl.resolve.VfioResolver.Resolution;
import io.vfioctl.core.VfioctlException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code vfio-driver DEV [--all] [--json]}: the best-fit VFIO driver, and why. */
final class VfioDriverCommand extends Command {
  VfioDriverCommand() {
    super("vfio-driver", "<device>", 1, 1, Option.ALL, Option.JSON);
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    run(in.services().locator(), in.services().vfio(), in.arguments().get(0), in.options(), in.out(), in.log());
    return 0;
  }

  static void run(DeviceLocator locator, VfioResolver resolver, String device, Options o, PrintStream out, Log log)
      throws VfioctlException {
    Resolution r = resolver.resolve(locator.locate(device));
    r.warning().ifPresent(log::warn);
    Choice best = r.best();
    log.debug(device + ": modalias " + r.modalias() + ", kernel " + r.kernel() + ", " + r.candidates().size()
        + " candidate(s); best " + best.driver() + " (module " + best.module() + ", " + best.wildcards()
        + " wildcard fields" + (best.alias().isEmpty() ? "" : ", alias " + best.alias()) + ")");
    r.ambiguity().ifPresent(log::warn);
    if (o.json()) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("device", r.device());
      doc.put("modalias", r.modalias());
      doc.put("kernel", r.kernel());
      doc.put("best", json(best));
      List<Object> all = new ArrayList<>();
      r.candidates().forEach(c -> all.add(json(c)));
      doc.put("candidates", all);
      doc.put("ambiguous", r.ambiguous());
      out.print(Json.write(doc));
    } else if (o.all()) {
      printTable(r.candidates(), out);
    } else {
      out.println(best.driver());
    }
  }

  private static Map<String, Object> json(Choice c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("driver", c.driver());
    m.put("module", c.module());
    m.put("alias", c.alias().isEmpty() ? null : c.alias());
    m.put("wildcards", c.wildcards());
    m.put("loaded", c.loaded());
    return m;
  }

  private static void printTable(List<Choice> choices, PrintStream out) {
    int driverWidth = "DRIVER".length();
    int moduleWidth = "MODULE".length();
    for (Choice c : choices) {
      driverWidth = Math.max(driverWidth, c.driver().length());
      moduleWidth = Math.max(moduleWidth, c.module().length());
    }
    String format = "%-4s  %-" + driverWidth + "s  %-" + moduleWidth + "s  %-9s  %-6s  %s%n";
    out.printf(format, "RANK", "DRIVER", "MODULE", "WILDCARDS", "LOADED", "ALIAS");
    int rank = 1;
    for (Choice c : choices) {
      out.printf(format, rank++, c.driver(), c.module(), c.wildcards(), c.loaded() ? "yes" : "no",
          c.alias().isEmpty() ? "(none)" : c.alias());
    }
  }
}
