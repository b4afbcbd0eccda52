package io.vfioctl.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vfioctl.core.PciAddress;
import io.vfioctl.preflight.Problem.Kind;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The API's enums mirror the engine's: every constant the engine can return has its twin, by name. */
class ApiValuesTest {
  @Test
  void everyProblemKindCrossesTheBoundary() {
    for (Kind kind : Kind.values()) {
      Problem p = Problem.from(io.vfioctl.preflight.Problem.of(kind, "0000:00:02.0", "text"));
      assertEquals(new Problem(Problem.Kind.valueOf(kind.name()), "0000:00:02.0", "text"), p);
    }
    assertEquals(Kind.values().length, Problem.Kind.values().length);
  }

  @Test
  void everyBackendAndSourceCrossesTheBoundary() {
    for (io.vfioctl.libvirt.Hostdev.Backend backend : io.vfioctl.libvirt.Hostdev.Backend.values()) {
      for (io.vfioctl.libvirt.Hostdev.Source source : io.vfioctl.libvirt.Hostdev.Source.values()) {
        Hostdev h = Hostdev.from(new io.vfioctl.libvirt.Hostdev(PciAddress.parse("0000:00:02.0"), true, backend,
            Optional.of("vfio-pci"), Optional.empty(), source, 7));
        assertEquals(new Hostdev("0000:00:02.0", true, Hostdev.Backend.valueOf(backend.name()), Optional.of("vfio-pci"),
            Optional.empty(), Hostdev.Source.valueOf(source.name()), 7), h);
      }
    }
    assertEquals(Arrays.stream(io.vfioctl.libvirt.Hostdev.Backend.values()).map(Enum::name).toList(),
        Arrays.stream(Hostdev.Backend.values()).map(Enum::name).toList());
    assertEquals(Arrays.stream(io.vfioctl.libvirt.Hostdev.Source.values()).map(Enum::name).toList(),
        Arrays.stream(Hostdev.Source.values()).map(Enum::name).toList());
  }
}
