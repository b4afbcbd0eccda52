package io.vfioctl.app;

import io.vfioctl.change.Interruption;
import io.vfioctl.change.OverrideEngine;
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

  /** What changes bindings. */
  public OverrideEngine engine() {
    if (engine == null) {
      engine = new OverrideEngine(host, settings, log, new TargetResolver(host, vfio(), log), interruption);
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

  /** The devices and saved overrides of the settings' bus. */
  public Inventory inventory() {
    return new Inventory(host, settings.bus());
  }
}
