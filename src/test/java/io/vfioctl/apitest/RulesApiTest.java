package io.vfioctl.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.api.ApiTestMachine;
import io.vfioctl.api.BindingRules;
import io.vfioctl.api.RuleReport;
import io.vfioctl.api.Vfioctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding rules through the Java API, with exported types only. */
class RulesApiTest {
  @TempDir Path root;

  @Test
  void parsesARuleAndReportsAVoidFileByLine() {
    BindingRules ok = Vfioctl.parseRule("50-gpu.conf", "[Match]\nVendor=0x10DE\nClass=display\n[Bind]\nDriver=vfio\n"
        + "Group=yes\n");
    assertEquals(List.of(new BindingRules.Rule("50-gpu.conf", 1, List.of("Vendor=10de", "Class=03????"), "vfio", true,
        false)), ok.rules());
    BindingRules bad = Vfioctl.parseRule("10-typo.conf", "[Match]\nVendr=1af4\n[Bind]\nDriver=vfio\n");
    assertEquals(List.of(), bad.rules());
    assertEquals(List.of("10-typo.conf"), bad.voids());
    assertEquals(List.of("10-typo.conf:2: unknown key Vendr in [Match]"), bad.errors());
  }

  @Test
  void readsChecksAndAppliesTheHostsRules() throws Exception {
    ApiTestMachine machine = new ApiTestMachine(root);
    Vfioctl vfio = machine.vfioctl();
    Path dir = Files.createDirectories(root.resolve("etc/vfioctl/bind.d"));
    Files.writeString(dir.resolve("50-edu.conf"), "[Match]\nVendor=1234\n[Bind]\nDriver=vfio\n");
    Files.writeString(dir.resolve("90-none.conf"), "[Match]\nVendor=dead\n[Bind]\nDriver=vfio\n");
    assertEquals(List.of("/etc/vfioctl/bind.d/50-edu.conf", "/etc/vfioctl/bind.d/90-none.conf"),
        vfio.rules().rules().stream().map(BindingRules.Rule::file).toList());
    RuleReport before = vfio.checkRules();
    assertEquals(1, before.devices().size());
    RuleReport.Device edu = before.devices().get(0);
    assertEquals(ApiTestMachine.EDU, edu.address());
    assertEquals(Optional.of("/etc/vfioctl/bind.d/50-edu.conf:1"), edu.rule());
    assertEquals("bind", edu.action());
    assertEquals(Optional.of("edu_vfio_pci"), edu.driver(), "its module, not loaded yet");
    assertFalse(edu.inEffect());
    assertEquals(List.of("/etc/vfioctl/bind.d/90-none.conf:1"), before.unmatched());
    RuleReport.Applied applied = vfio.applyRules();
    assertTrue(applied.ok(), applied::toString);
    assertEquals(1, applied.bound());
    assertEquals("edu-vfio-variant", machine.driverOf(ApiTestMachine.EDU).orElseThrow());
    assertTrue(vfio.checkRules().devices().get(0).inEffect());
    assertEquals(1, vfio.applyRules().alreadyInEffect());
  }
}
