package io.vfioctl.change;

import io.vfioctl.core.DeviceName;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.IoErrors;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.early.Selection;
import io.vfioctl.host.EarlyRecord;
import io.vfioctl.host.Host;
import io.vfioctl.host.InitramfsBuilds;
import io.vfioctl.host.RuleOwnership;
import io.vfioctl.inuse.DeviceUse;
import io.vfioctl.resolve.VfioResolver;
import io.vfioctl.rules.FactsReader;
import io.vfioctl.rules.Rule;
import io.vfioctl.sysfs.SysfsReadException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The boot path's look at what the initramfs's early script did ({@link EarlyRecord}), before the
 * saved overrides and rules are applied: a device it took that no saved override or rule selects
 * now (an initramfs older than the change) goes back to its host driver; a device a rule took
 * becomes the rules' own, with the host driver it had, so that removing the rule returns it; and
 * when the initramfs was built from other overrides or rules, one line says it is out of date,
 * which devices it did not bind (the boot path binds them as before), and how to rebuild it.
 */
public final class EarlyReconcile {
  private final Host host;
  private final OverrideEngine engine;
  private final VfioResolver vfio;

  /** @param vfio the resolver {@code engine} asks, so that modules.alias is read once a call */
  public EarlyReconcile(Host host, OverrideEngine engine, VfioResolver vfio) {
    this.host = host;
    this.engine = engine;
    this.vfio = vfio;
  }

  /** @param warn told each line, once */
  public void run(Consumer<String> warn) throws VfioctlException {
    EarlyRecord record = new EarlyRecord(host.files());
    Optional<EarlyRecord.Run> ran = record.run();
    if (ran.isEmpty()) {
      return;
    }
    Selection sel;
    try {
      sel = Selection.read(host);
    } catch (IOException e) {
      throw new VfioctlException("cannot read the saved overrides: " + IoErrors.describe(e));
    }
    Map<String, EarlyRecord.Taken> taken = record.taken();
    Map<String, FactsReader.Device> devices = new TreeMap<>();
    new FactsReader(host, DeviceName.PCI, vfio).read(sel.rules().keysUsed(), Map.of()).forEach(d -> devices.put(d.address(), d));
    List<String> unknown = new ArrayList<>();
    DeviceUse use = new DeviceUse(host);
    devices.forEach((address, d) -> {
      Optional<Selection.Pick> pick = sel.pick(d);
      if (!taken.containsKey(address) && pick.isPresent() && !refusedAtBuild(address, pick.get(), use)) {
        unknown.add(address);
      }
    });
    int returned = engine.inSession(session -> {
      int n = 0;
      Map<String, RuleOwnership.Owned> owned = readOwned();
      for (EarlyRecord.Taken t : taken.values()) {
        FactsReader.Device d = devices.get(t.device());
        if (d == null) {
          continue;
        }
        Optional<Rule> rule = sel.rules().decide(d);
        if (rule.isPresent() && !rule.get().keepsHostDriver() && !sel.overrides().containsKey(t.device())) {
          owned.putIfAbsent(t.device(), new RuleOwnership.Owned(rule.get().name(), t.hostDriver()));
        }
        if (sel.overrides().containsKey(t.device()) || sel.others().contains(t.device())
            || rule.filter(r -> !r.keepsHostDriver()).isPresent()) {
          continue; // still selected: the saved overrides and rules apply it as usual
        }
        try {
          session.override(t.device(), "", OverrideEngine.Scope.ONE, false);
          n++;
          warn.accept(t.device() + ": the initramfs bound it to " + t.driver() + ", but no saved override or rule"
              + " selects it now; returned it to its host driver");
        } catch (VfioctlException | SysfsReadException e) {
          warn.accept(e.getMessage());
        }
      }
      if (!session.dryRun()) {
        try {
          host.ruleOwnership().write(owned);
        } catch (IOException e) {
          throw new VfioctlException("cannot write " + host.ruleOwnership().displayPath() + ": " + IoErrors.describe(e));
        }
      }
      return n;
    });
    if (returned > 0 || !ran.get().inputs().equals(sel.digest())) {
      String command = InitramfsBuilds.rebuildCommand(ran.get().builder());
      warn.accept("the initramfs is out of date: it was built from other saved overrides or rules"
          + (unknown.isEmpty() ? "" : "; it did not bind " + String.join(", ", unknown) + " (bound now, after the"
          + " host drivers)") + "; rebuild it: " + command);
    }
  }

  /**
   * A device no initramfs build takes (the root disk's controller, the console's GPU, without
   * Force=yes): rebuilding would not bind it early, so it is not named as one the initramfs missed.
   */
  private static boolean refusedAtBuild(String address, Selection.Pick pick, DeviceUse use) {
    return !pick.bootUses(DevicePaths.of(new DeviceName(DeviceName.PCI, address), Optional.empty()), use).isEmpty();
  }

  private Map<String, RuleOwnership.Owned> readOwned() throws VfioctlException {
    try {
      return new TreeMap<>(host.ruleOwnership().read());
    } catch (IOException e) {
      throw new VfioctlException("cannot read " + host.ruleOwnership().displayPath() + ": " + IoErrors.describe(e));
    }
  }
}
