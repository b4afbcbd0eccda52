package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vfioctl.testing.Golden;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import org.junit.jupiter.api.Test;

/** The help text in full, so that a change to it shows as a diff of its golden file. */
class UsageTextTest extends MachineTest {
  @Test
  void helpPrintsTheWholeUsageText() {
    Result r = m.run("--help");
    assertEquals(0, r.code(), r::toString);
    Golden.assertMatches("usage/vfioctl-help.txt", r.out());
  }
}
