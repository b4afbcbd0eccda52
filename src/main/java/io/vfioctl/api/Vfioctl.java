package io.vfioctl.api;

import io.vfioctl.app.Services;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.DeviceName;
import io.vfioctl.host.Host;
import io.vfioctl.libvirt.DomainHandover;
import io.vfioctl.libvirt.DomainXml;
import io.vfioctl.libvirt.DomainXmlException;
import io.vfioctl.core.PciAddress;
import io.vfioctl.change.OverrideEngine;
import io.vfioctl.core.Settings;
import io.vfioctl.status.StatusReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * vfioctl from Java: what a management stack starts from. It lists PCI devices, tells the
 * best-fit VFIO driver of one with its explanation, and checks, prepares (detaches to VFIO) and
 * releases (reattaches) a set of PCI addresses or the hostdevs of a libvirt domain XML. It
 * works as the {@code vfioctl} command does, with the same checks, transactions and journal,
 * and shares its lock with every {@code vfioctl} process on the machine; it never prints, and
 * never exits the JVM: a failure is a {@link VfioctlException} with a one-line message. What it
 * takes and returns are the types of this package only.
 *
 * <pre>{@code
 * Vfioctl vfio = Vfioctl.system();
 * for (DeviceStatus d : vfio.devices()) {
 *   System.out.println(d.address() + " " + d.driver().orElse("(none)"));
 * }
 * VfioResolution best = vfio.bestVfioDriver("0000:3b:00.2");
 * Domain guest = Vfioctl.parseDomain(Files.readAllBytes(Path.of("guest.xml")), "guest.xml");
 * if (vfio.check(guest).ok()) {
 *   vfio.prepare(guest);
 * }
 * }</pre>
 *
 * <p>Instances are immutable; the {@code with…} methods return changed copies. Calls that change
 * bindings serialise with each other (and with other processes) through the lock; reading calls
 * take no lock. Unlike the command, a call has no deadline: a sysfs write stuck in the kernel
 * (unbinding a device a guest still holds) keeps the calling thread until it returns.
 */
public final class Vfioctl {
  private static final Duration LOCK_WAIT = Duration.ofMinutes(2);
  private static final io.vfioctl.core.Log SILENT = new LogAdapter(new Log() {});

  private final Host host;
  private final io.vfioctl.core.Log log;
  private final boolean dryRun;
  private final Settings.Safety safety;

  private Vfioctl(Host host, io.vfioctl.core.Log log, boolean dryRun, Settings.Safety safety) {
    this.host = host;
    this.log = log;
    this.dryRun = dryRun;
    this.safety = safety;
  }

  /** The running system: {@code /sys}, {@code /etc/driverctl.d}, {@code /run/vfioctl}. */
  public static Vfioctl system() {
    return at(Path.of("/"));
  }

  /** The system below {@code root}, as {@code vfioctl --root} sees it (modules are then never loaded). */
  public static Vfioctl at(Path root) {
    return on(Host.at(root));
  }

  /** A host built inside vfioctl: a kernel simulator in tests ({@code new Host(root, simulator, simulator.moduleLoader())}). */
  static Vfioctl on(Host host) {
    return new Vfioctl(host, SILENT, false, Settings.Safety.CHECKED);
  }

  /** Where warnings, steps and debug lines go; none by default. */
  public Vfioctl withLog(Log log) {
    return new Vfioctl(host, new LogAdapter(log), dryRun, safety);
  }

  /** A dry run: plans and checks, reports the steps to the log as actions, changes nothing. */
  public Vfioctl withDryRun(boolean dryRun) {
    return new Vfioctl(host, log, dryRun, safety);
  }

  /** {@code --force}: take devices the host uses. */
  public Vfioctl withForce(boolean force) {
    return new Vfioctl(host, log, dryRun, new Settings.Safety(force, safety.noIommu()));
  }

  /** {@code --noiommu}: bind VFIO to devices without an IOMMU group, in vfio's unsafe no-IOMMU mode. */
  public Vfioctl withNoIommu(boolean noIommu) {
    return new Vfioctl(host, log, dryRun, new Settings.Safety(safety.force(), noIommu));
  }

  /** Every PCI device, as {@code vfioctl status --all} shows it. */
  public List<DeviceStatus> devices() throws VfioctlException {
    return call(() -> status().handedOver(DeviceName.PCI, true)).stream().map(DeviceStatus::from).toList();
  }

  /** One device, as {@code vfioctl status DEV} shows it. */
  public DeviceStatus device(String address) throws VfioctlException {
    return DeviceStatus.from(call(() -> status().read(address)));
  }

  /**
   * The VFIO drivers that fit a device, best first, with what decided (the alias each matched,
   * its wildcard fields, whether the ranking was a tie): {@code vfioctl vfio-driver --all}.
   */
  public VfioResolution bestVfioDriver(String address) throws VfioctlException {
    return VfioResolution.from(call(() -> services().vfio().resolve(paths(address))));
  }

  /**
   * Reads a libvirt domain XML (hardened: no DTD, no entities, bounded size and depth).
   *
   * @throws VfioctlException for a document vfioctl refuses, as {@code sourceName:line: what}
   */
  public static Domain parseDomain(byte[] xml, String sourceName) throws VfioctlException {
    try {
      return Domain.from(DomainXml.parse(xml, sourceName));
    } catch (DomainXmlException e) {
      throw new VfioctlException(e.getMessage(), 1, e);
    }
  }

  /** What each PCI hostdev of the domain gets, and whether the guest can start; changes nothing. */
  public HandoverCheck check(Domain domain) throws VfioctlException {
    return HandoverCheck.from(domain, call(() -> handover().check(domain.read())));
  }

  /** As {@link #check(Domain)}, for devices given by address, each to get its best-fit VFIO driver. */
  public HandoverCheck check(List<String> addresses) throws VfioctlException {
    DomainHandover.Report report = call(() -> handover().checkDevices(parsed(addresses)));
    return HandoverCheck.from(Domain.from(report.domain()), report);
  }

  private List<PciAddress> parsed(List<String> addresses) throws io.vfioctl.core.VfioctlException {
    List<PciAddress> parsed = new ArrayList<>();
    for (String a : addresses) {
      parsed.add(PciAddress.parse(paths(a).device().name()));
    }
    return parsed;
  }

  /**
   * Detaches the domain's {@code managed='no'} VFIO hostdevs, all or nothing, as {@code vfioctl
   * domain prepare}; {@link #release(Domain)} returns them.
   *
   * @return the devices detached
   */
  public List<String> prepare(Domain domain) throws VfioctlException {
    return call(() -> handover().prepare(domain.read()));
  }

  /** Reattaches what {@link #prepare(Domain)} detached for the domain. */
  public List<String> release(Domain domain) throws VfioctlException {
    return call(() -> handover().release(domain.read()));
  }

  /**
   * Detaches devices to their best-fit VFIO drivers, all or nothing, as {@code vfioctl detach}
   * does each, after the checks of {@link #check(List)} (a missing device or a group that will
   * not be viable refuses them all).
   *
   * @return the devices detached (those already on their driver are left as they are)
   */
  public List<String> prepare(List<String> addresses) throws VfioctlException {
    return call(() -> handover().prepareDevices(parsed(addresses)));
  }

  /** Reattaches devices as one transaction, as {@code vfioctl reattach} does each. */
  public void release(List<String> addresses) throws VfioctlException {
    call(() -> {
      engine().reattachAll(addresses);
      return null;
    });
  }

  /** Reads one rule file's text, as {@code rules apply} would; a void file has no rule and its errors. */
  public static BindingRules parseRule(String file, String text) {
    io.vfioctl.rules.RuleParser.Parsed p = io.vfioctl.rules.RuleParser.parse(file, text);
    return new BindingRules(p.isVoid() ? List.of() : BindingRules.from(new io.vfioctl.rules.RuleSet(List.of(p.rule()),
        List.of(), List.of(), List.of())).rules(), List.of(), p.isVoid() ? List.of(file) : List.of(), p.errors());
  }

  /** The host's binding rules ({@code bind.d} below the root), as {@code vfioctl rules list}. */
  public BindingRules rules() {
    return BindingRules.from(services().rules());
  }

  /** What the host's rules make of each device, as {@code vfioctl rules check}; changes nothing. */
  public RuleReport checkRules() throws VfioctlException {
    io.vfioctl.rules.RuleSet set = services().rules();
    return RuleReport.from(call(() -> {
      try {
        return services().ruleCheck().check(set);
      } catch (java.io.IOException e) {
        throw new io.vfioctl.core.VfioctlException("cannot read what the rules own: " + e.getMessage());
      }
    }), set);
  }

  /** Makes the host match its rules, as {@code vfioctl rules apply}: a device that fails does not stop the others. */
  public RuleReport.Applied applyRules() throws VfioctlException {
    io.vfioctl.rules.RuleSet set = services().rules();
    List<String> failures = new ArrayList<>();
    io.vfioctl.change.RuleApplier.Summary s = call(() -> services().ruleApplier().apply(set, failures::add));
    return new RuleReport.Applied(s.bound(), s.returned(), s.alreadyInEffect(), s.failed(), List.copyOf(failures),
        set.errors());
  }

  private Settings settings() {
    return new Settings(DeviceName.PCI, true, false, dryRun, Optional.empty(), LOCK_WAIT, "the Java API",
        Settings::thisProcess, safety);
  }

  /** The parts for one call: each call reads the host afresh. */
  private Services services() {
    return new Services(host, settings(), log);
  }

  private StatusReader status() {
    return services().status();
  }

  private OverrideEngine engine() {
    return services().engine();
  }

  private DomainHandover handover() {
    return services().handover();
  }

  private DevicePaths paths(String address) throws io.vfioctl.core.VfioctlException {
    return services().locator().locate(address);
  }

  /** A call into the engine; its failures become the API's. */
  private interface Call<T> {
    T run() throws io.vfioctl.core.VfioctlException;
  }

  private static <T> T call(Call<T> call) throws VfioctlException {
    try {
      return call.run();
    } catch (io.vfioctl.core.VfioctlException e) {
      throw VfioctlException.from(e);
    }
  }
}
