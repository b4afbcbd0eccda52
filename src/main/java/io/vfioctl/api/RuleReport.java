package io.vfioctl.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code vfioctl rules check}: what the rules make of each device, and the rules that match nothing.
 *
 * @param unmatched rules that match no device, as {@code FILE:LINE}
 */
public record RuleReport(List<Device> devices, List<String> unmatched, List<String> errors) {

  /**
   * One device a rule selects or the rules own.
   *
   * @param rule the rule that decides it, as {@code FILE:LINE}
   * @param owner the rule file that took it earlier
   * @param action {@code bind}, {@code return} or {@code nothing}
   * @param driver the driver it gets, empty for its host driver
   * @param refused whether apply would refuse it (in use, without {@code Force=yes})
   */
  public record Device(String address, Optional<String> rule, Optional<String> owner, String action,
      Optional<String> driver, boolean inEffect, boolean refused, List<String> problems) {}

  static RuleReport from(io.vfioctl.rules.RuleCheck.Report report, io.vfioctl.rules.RuleSet rules) {
    List<Device> devices = report.rows().stream().map(r -> new Device(r.decision().address(),
        r.decision().rule().map(io.vfioctl.rules.Rule::where), r.decision().owner(),
        r.action().name().toLowerCase(Locale.ROOT), Optional.of(r.target()).filter(t -> !t.isEmpty()), r.inEffect(),
        r.refused(), r.problems())).toList();
    return new RuleReport(devices, report.unmatched().stream().map(io.vfioctl.rules.Rule::where).toList(),
        rules.errors());
  }

  /**
   * What {@code vfioctl rules apply} did.
   *
   * @param failures each device that failed, in one line
   * @param errors each problem of a void rule file
   */
  public record Applied(int bound, int returned, int alreadyInEffect, int failed, List<String> failures,
      List<String> errors) {
    /** Whether nothing failed and no rule file is void. */
    public boolean ok() {
      return failed == 0 && errors.isEmpty();
    }
  }
}
