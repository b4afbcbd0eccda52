package io.vfioctl.cli;

import io.vfioctl.core.Names;
import io.vfioctl.libvirt.Domain;
import io.vfioctl.libvirt.DomainHandover;
import io.vfioctl.libvirt.DomainXml;
import io.vfioctl.libvirt.DomainXmlException;
import io.vfioctl.libvirt.HostdevCheck;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.VfioctlException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code vfioctl domain check|prepare|release FILE|-}: a libvirt domain's PCI host devices. */
final class DomainCommand extends Command {
  /** @param action check, prepare or release */
  DomainCommand(String action, Option... options) {
    super("domain " + action, "check|prepare|release <file>|-", 2, 2, options);
  }

  @Override
  String family() {
    return "domain";
  }

  /**
   * Not a prepare or release: a second run, after one that finished, would find the devices
   * moved and record them differently. Nor from stdin, which a second run would find consumed.
   */
  @Override
  boolean repeatable(Options o) {
    return (action().equals("check") || o.dryRun()) && !o.arguments().get(1).equals("-");
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    Domain domain = read(in.arguments().get(1), in.stdin());
    if (in.options().json() && in.options().dryRun()) {
      in.log().keepPlan(); // one document on stdout: the plan goes into it
    }
    return run(in.services().handover(), action(), domain, in.options(), in.out(), in.log());
  }

  /** Reads the domain XML from a file, or standard input for {@code -}; bounded, one line on failure. */
  static Domain read(String file, InputStream stdin) throws VfioctlException {
    String shown = file.equals("-") ? "stdin" : Names.printable(file);
    try {
      if (file.equals("-")) {
        return DomainXml.read(stdin, shown);
      }
      Path path = Path.of(file);
      if (Files.isDirectory(path)) {
        throw new VfioctlException("cannot read " + shown + ": it is a directory, not a domain XML file");
      }
      try (InputStream in = Files.newInputStream(path)) {
        return DomainXml.read(in, shown);
      }
    } catch (DomainXmlException e) {
      throw new VfioctlException(e.getMessage() + "; nothing was changed");
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + shown + ": " + IoErrors.describe(e));
    }
  }

  static int run(DomainHandover handover, String action, Domain domain, Options o, PrintStream out, CliLog log)
      throws VfioctlException {
    switch (action) {
      case "check" -> {
        DomainHandover.Report report = handover.check(domain);
        if (o.json()) {
          out.print(Json.write(json(report)));
        } else {
          text(report, out);
        }
        return report.ok() ? 0 : 1;
      }
      case "prepare" -> {
        List<String> detached = handover.prepare(domain);
        summary(o, out, domain, "prepare", "detached", detached, log);
      }
      default -> {
        List<String> reattached = handover.release(domain);
        summary(o, out, domain, "release", "reattached", reattached, log);
      }
    }
    return 0;
  }

  private static void summary(Options o, PrintStream out, Domain domain, String action, String done, List<String> devices,
      CliLog log) {
    if (o.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("domain", domain.name());
      m.put("uuid", domain.uuid());
      m.put(done, devices);
      if (o.dryRun()) {
        m.put("plan", log.plan());
      }
      out.print(Json.write(m));
    } else if (!o.dryRun()) {
      out.println("domain " + action + ": " + Names.printable(domain.name()) + ": " + (devices.isEmpty()
          ? "nothing to do" : done + " " + String.join(", ", devices)));
    }
  }

  private static void text(DomainHandover.Report report, PrintStream out) {
    Domain d = report.domain();
    out.println("domain " + Names.printable(d.name()) + d.uuid().map(u -> " (uuid " + u + ")").orElse(""));
    for (HostdevCheck c : report.hostdevs()) {
      out.println();
      out.println(c.hostdev().address() + " line " + c.hostdev().line() + ", managed='" + (c.hostdev().managed() ? "yes"
          : "no") + "'" + (c.hostdev().source() == io.vfioctl.libvirt.Hostdev.Source.INTERFACE ? ", <interface>" : ""));
      c.driver().ifPresent(driver -> StatusCommand.line(out, "driver", Names.printable(driver) + " ("
          + Names.escaped(c.why()) + ")"));
      if (c.driver().isPresent()) {
        StatusCommand.line(out, "now", c.current().map(Names::printable).orElse("(none)")
            + (c.vfioBound() ? " (VFIO)" : ""));
        StatusCommand.line(out, "iommu group", c.group().map(g -> Names.printable(g) + (c.groupViable() ? ", viable with the domain's"
            + " devices" : ", not viable")).orElse("(none)"));
      }
      StatusCommand.line(out, "action", c.action());
      c.problems().forEach(p -> StatusCommand.line(out, "problem", p));
      c.notes().forEach(n -> StatusCommand.line(out, "note", n));
    }
    long problems = report.hostdevs().stream().mapToLong(c -> c.problems().size()).sum();
    out.println();
    out.println(problems == 0 ? "check: the guest can start" : "check: " + problems + (problems == 1 ? " problem" : " problems")
        + ": the guest would not start");
  }

  private static Map<String, Object> json(DomainHandover.Report report) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("domain", report.domain().name());
    m.put("uuid", report.domain().uuid());
    m.put("ok", report.ok());
    List<Object> rows = new ArrayList<>();
    for (HostdevCheck c : report.hostdevs()) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("address", c.hostdev().address().toString());
      h.put("line", c.hostdev().line());
      h.put("source", c.hostdev().source().name().toLowerCase());
      h.put("managed", c.hostdev().managed());
      h.put("backend", c.hostdev().backend().name().toLowerCase());
      h.put("model", c.hostdev().model());
      h.put("metadata_driver", c.hostdev().metadataDriver());
      h.put("driver", c.driver());
      h.put("why", c.driver().isPresent() ? c.why() : null);
      h.put("current_driver", c.current());
      h.put("vfio_bound", c.vfioBound());
      h.put("iommu_group", c.group().map(Json::numberOrText));
      h.put("group_viable", c.group().isPresent() ? c.groupViable() : null);
      h.put("action", c.action());
      h.put("problems", c.problems());
      h.put("notes", c.notes());
      rows.add(h);
    }
    m.put("hostdevs", rows);
    return m;
  }
}
