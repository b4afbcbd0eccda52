package io.vfioctl.cli;

import io.vfioctl.change.RuleApplier;
import io.vfioctl.core.DeviceName;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.rules.Decision;
import io.vfioctl.rules.Rule;
import io.vfioctl.rules.RuleCheck;
import io.vfioctl.rules.RuleSet;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code vfioctl rules list|check|apply [DEV]}: the binding rules of {@code bind.d}; see vfioctl.bind(5).
 * {@code rules apply DEV} applies them to one device (and its IOMMU group, for {@code Group=yes}):
 * what the hot-plug unit runs for a device that appeared.
 */
final class RulesCommand extends Command {
  /**
   * @param action list, check or apply
   * @param maxArgs 2 when the action takes a device
   */
  RulesCommand(String action, int maxArgs, Option... options) {
    super("rules " + action, "list, check or apply [<device>]", 1, maxArgs, options);
  }

  @Override
  String family() {
    return "rules";
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    RuleSet rules = in.services().rules();
    boolean json = in.options().json();
    if (!json) {
      rules.errors().forEach(e -> in.err().println(in.prefix() + e));
    }
    boolean ok = switch (action()) {
      case "list" -> list(rules, in.out());
      case "check" -> check(in, rules);
      default -> apply(in, rules);
    };
    return ok && rules.voids().isEmpty() ? 0 : 1;
  }

  private static boolean list(RuleSet rules, PrintStream out) {
    rules.rules().forEach(r -> out.println(r.where() + ": " + r.describe()));
    rules.masked().forEach(f -> out.println(f + ": masked"));
    rules.voids().forEach(f -> out.println(f + ": void"));
    if (rules.rules().isEmpty() && rules.masked().isEmpty() && rules.voids().isEmpty()) {
      out.println("no rule files in /etc/vfioctl/bind.d, /run/vfioctl/bind.d or /usr/lib/vfioctl/bind.d");
    }
    return true;
  }

  private static boolean check(Invocation in, RuleSet rules) throws VfioctlException {
    RuleCheck.Report report;
    try {
      report = in.services().ruleCheck().check(rules);
    } catch (IOException e) {
      throw new VfioctlException("cannot read what the rules own: " + IoErrors.describe(e));
    }
    if (in.options().json()) {
      List<Object> devices = new ArrayList<>();
      report.rows().forEach(r -> devices.add(json(r)));
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("devices", devices);
      doc.put("unmatched", report.unmatched().stream().map(Rule::where).toList());
      doc.put("errors", rules.errors());
      in.out().print(Json.write(doc));
      return true;
    }
    // One report, printed once: a line at a time, a thousand devices cost more to print than to format.
    StringBuilder b = new StringBuilder(report.rows().size() * 96);
    for (RuleCheck.Row r : report.rows()) {
      text(r, b);
    }
    report.unmatched().forEach(r -> b.append(r.where()).append(": matches no device\n"));
    in.out().print(b);
    return true;
  }

  private static void text(RuleCheck.Row r, StringBuilder b) {
    Decision d = r.decision();
    b.append(d.address()).append(' ');
    if (d.rule().isPresent()) {
      b.append(d.rule().get().file()).append(':').append(d.rule().get().line());
    } else if (d.takenWith().isPresent()) {
      b.append("(no rule; in the IOMMU group ").append(d.takenWith().get()).append("'s Group=yes rule takes)");
    } else {
      b.append("(no rule; owned by ").append(d.owner().orElse("")).append(')');
    }
    b.append(": ");
    b.append(switch (r.action()) {
      case BIND -> r.target().isEmpty() ? d.rule().get().driver() : r.target();
      case RETURN -> "returns to " + (d.hostDriver().isEmpty() ? "its host driver" : d.hostDriver());
      case NOTHING -> d.takenWith().isPresent() && d.blocked().isEmpty()
          ? "moves with " + d.takenWith().get() + (r.target().isEmpty() ? "" : " to " + r.target())
          : d.rule().map(Rule::keepsHostDriver).orElse(false) ? "keeps its host driver" : "left alone";
    });
    r.why().ifPresent(w -> b.append(" (").append(w).append(')'));
    b.append(r.inEffect() ? ", in effect" : ", not in effect");
    r.problems().forEach(p -> b.append("; ").append(p));
    b.append('\n');
  }

  private static Map<String, Object> json(RuleCheck.Row r) {
    Decision d = r.decision();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("device", d.address());
    m.put("rule", d.rule().map(Rule::file).orElse(null));
    m.put("line", d.rule().map(Rule::line).orElse(null));
    m.put("owner", d.owner().orElse(null));
    m.put("takenWith", d.takenWith().orElse(null));
    m.put("action", r.action().name().toLowerCase(java.util.Locale.ROOT));
    m.put("driver", r.target().isEmpty() ? null : r.target());
    m.put("inEffect", r.inEffect());
    m.put("refused", r.refused());
    m.put("problems", r.problems());
    m.put("why", r.why().orElse(null));
    return m;
  }

  private static boolean apply(Invocation in, RuleSet rules) throws VfioctlException {
    Consumer<String> failures = message -> in.err().println(in.prefix() + message);
    if (in.arguments().size() == 1) {
      RuleApplier.Summary summary = in.services().ruleApplier().apply(rules, failures);
      in.out().println("rules apply: " + summary);
      in.initramfsNotice();
      return summary.failed() == 0;
    }
    DeviceName device = in.services().locator().locate(in.arguments().get(1)).device();
    Optional<RuleApplier.Summary> summary = in.services().ruleApplier().applyTo(device, rules, failures);
    // A device no rule selects: nothing to say.
    summary.ifPresent(s -> in.out().println("rules apply: " + s));
    return summary.map(s -> s.failed() == 0).orElse(true);
  }
}
