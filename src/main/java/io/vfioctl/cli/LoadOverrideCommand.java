package io.vfioctl.cli;

import io.vfioctl.change.OverrideEngine;
import io.vfioctl.change.RuleApplier;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.rules.RuleSet;

/**
 * {@code load-override DEV} applies a device's saved override; {@code load-override --all} every
 * one, then the binding rules when there are rule files (the boot path).
 */
final class LoadOverrideCommand extends Command {
  LoadOverrideCommand() {
    super("load-override", "<device> (or --all alone)", 1, 1, Option.ALL, Option.DRY_RUN, Option.FORCE, Option.NOIOMMU);
  }

  @Override
  boolean takes(int n, Options o) {
    return o.all() ? n == 0 : super.takes(n, o);
  }

  @Override
  int run(Invocation in) throws VfioctlException {
    OverrideEngine engine = in.services().engine();
    if (!in.options().all()) {
      // Nothing saved: exit 1 and print nothing, as driverctl does.
      return engine.load(in.arguments().get(0)).isEmpty() ? 1 : 0;
    }
    // What the initramfs bound first: a device no longer selected goes back before anything else moves.
    in.services().earlyReconcile().run(message -> in.err().println(in.prefix() + message));
    OverrideEngine.LoadSummary summary = engine.loadAll(message -> in.err().println(in.prefix() + message));
    in.out().println("load-override: " + summary);
    // The boot path: the binding rules next, in this JVM; saved overrides beat them.
    boolean rulesOk = !in.services().anyRuleFiles() || applyRules(in);
    return summary.failed() == 0 && rulesOk ? 0 : 1;
  }

  private static boolean applyRules(Invocation in) throws VfioctlException {
    RuleSet rules = in.services().rules();
    rules.errors().forEach(e -> in.err().println(in.prefix() + e));
    RuleApplier.Summary summary = in.services().ruleApplier().apply(rules,
        message -> in.err().println(in.prefix() + message), true);
    in.out().println("rules apply: " + summary);
    return summary.failed() == 0 && rules.voids().isEmpty();
  }
}
