package io.vfioctl.app;

import io.vfioctl.change.Interruption;
import io.vfioctl.change.OverrideEngine;
import io.vfioctl.change.RuleApplier;
import io.vfioctl.rules.RuleCheck;
import io.vfioctl.rules.RuleFiles;
import io.vfioctl.rules.RuleSet;
import io.vfioctl.core.Log;
import io.vfioctl.core.Settings;
import io.vfioctl.device.DeviceLocator;
import io.vfioctl.device.Inventory;
import io.vfioctl.host.Host;
import io.vfioctl.libvirt.DomainHandover;
import io.vfioctl.resolve.TargetResolver;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.status.StatusReader;

/**
 * The one place where vfioctl's parts are put together, for one host, its settings and a log: the
 * command line and the Java API both take them from here. A part is built when first asked for,
 * so that a listing builds no engine; the resolver's cache and the engine are then shared by
 * every part that uses them.
 */
public final class Services {
  private final Host host;
  private final Settings settings;
  private final Log log;
  private final Interruption interruption;
  private VfioResolver vfio;
  private OverrideEngine engine;

  /** @param interruption how a signal asks a change in progress to roll back */
  public Services(Host host, Settings settings, Log log, Interruption interruption) {
    this.host = host;
    this.settings = settings;
    this.log = log;
    this.interruption = interruption;
  }

  /** Parts whose changes no signal interrupts (the Java API's). */
  public Services(Host host, Settings settings, Log log) {
    this(host, settings, log, new Interruption());
  }

  public Settings settings() {
    return settings;
  }

  /** The best-fit VFIO driver of a device; one per services, as it caches what it read. */
  public VfioResolver vfio() {
    if (vfio == null) {
      vfio = new VfioResolver(host);
    }
    return vfio;
  }

  /** A driver word to the driver to bind, told on the call's log; shares {@link #vfio}. */
  private TargetResolver targets() {
    return new TargetResolver(host, vfio(), log);
  }

  /** What changes bindings. */
  public OverrideEngine engine() {
    if (engine == null) {
      engine = new OverrideEngine(host, settings, log, targets(), interruption);
    }
    return engine;
  }

  /** The hand-over of a libvirt domain's host devices. */
  public DomainHandover handover() {
    return new DomainHandover(host, settings, log, engine(), vfio());
  }

  public StatusReader status() {
    return new StatusReader(host, settings);
  }

  public DeviceLocator locator() {
    return new DeviceLocator(host, settings);
  }

  /** Whether any rule directory holds anything: one listing of each, and nothing else read. */
  public boolean anyRuleFiles() {
    return new RuleFiles(host.files()).any();
  }

  /** The binding rules in effect, read from the rule directories below the root. */
  public RuleSet rules() {
    return new RuleFiles(host.files()).read();
  }

  /** What {@code rules check} reports; the drivers are resolved without a word on the log. */
  public RuleCheck ruleCheck() {
    return new RuleCheck(host, settings.bus(), new TargetResolver(host, vfio(), QUIET));
  }

  public RuleApplier ruleApplier() {
    return new RuleApplier(host, settings.bus(), log, engine(), targets());
  }

  /**
   * The rule file that owns each device a binding rule took, from the ownership record alone
   * (no rule file is read); none when the record cannot be read.
   */
  public java.util.Map<String, String> ruleOwners() {
    java.util.Map<String, String> owners = new java.util.HashMap<>();
    try {
      host.ruleOwnership().read().forEach((device, owned) -> owners.put(device, owned.rule()));
    } catch (java.io.IOException e) {
      log.warn("cannot read " + host.ruleOwnership().displayPath() + ": " + io.vfioctl.core.IoErrors.describe(e));
    }
    return owners;
  }

  /** What the initramfs hooks ask for at build time. */
  public io.vfioctl.early.InitramfsBuild initramfsBuild() {
    return new io.vfioctl.early.InitramfsBuild(host);
  }

  /** The boot path's look at what the initramfs bound. */
  public io.vfioctl.change.EarlyReconcile earlyReconcile() {
    return new io.vfioctl.change.EarlyReconcile(host, engine(), vfio());
  }

  /** The line saying the initramfs does not reflect the saved overrides and rules, when it is so and enabled. */
  public java.util.Optional<String> initramfsNotice() {
    return io.vfioctl.early.Staleness.notice(host);
  }

  /**
   * What the initramfs's early script bound at this boot, by address, and the command that
   * rebuilds that initramfs.
   */
  public record EarlyBoot(java.util.Map<String, io.vfioctl.host.EarlyRecord.Taken> taken, String rebuildCommand) {}

  /** What the early script did at this boot; empty when none ran. Its record is read once. */
  public java.util.Optional<EarlyBoot> earlyBoot() {
    io.vfioctl.host.EarlyRecord record = new io.vfioctl.host.EarlyRecord(host.files());
    return record.run().map(ran -> new EarlyBoot(record.taken(),
        io.vfioctl.host.InitramfsBuilds.rebuildCommand(ran.builder())));
  }

  private static final Log QUIET = new Log() {
    @Override
    public void debug(String message) {}

    @Override
    public void warn(String message) {}

    @Override
    public void action(io.vfioctl.core.Action action) {}
  };

  /** The devices and saved overrides of the settings' bus. */
  public Inventory inventory() {
    return new Inventory(host, settings.bus());
  }
}
