package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceNameTest {
  @Test
  void busPrefixIsOptional() {
    assertEquals(new DeviceName("pci", "0000:00:02.0"), DeviceName.parse("0000:00:02.0", "pci"));
    assertEquals(new DeviceName("pci", "0000:00:02.0"), DeviceName.parse("pci/0000:00:02.0", "usb"));
    assertEquals("pci-0000:00:02.0", DeviceName.parse("0000:00:02.0", "pci").persistedFileName());
    assertEquals(new DeviceName("usb", "1-1.2"), DeviceName.parse("usb/1-1.2", "pci"));
  }

  @Test
  void pciNamesTakeTheKernelsLowerCaseForm() {
    DeviceName upper = DeviceName.parse("0000:3B:1F.7", "pci");
    assertEquals("0000:3b:1f.7", upper.name());
    assertEquals("pci-0000:3b:1f.7", upper.persistedFileName());
    assertEquals(new DeviceName("pci", "0000:3b:1f.7"), upper);
  }

  @Test
  void refusesTraversalAndOddCharacters() {
    for (String bad : List.of("pci/../x", "../0000:00:02.0", "usb/..", "usb/a/b", "x y/1", "usb/", "/0000:00:02.0")) {
      assertThrows(InvalidNameException.class, () -> DeviceName.parse(bad, "pci"), bad);
    }
  }

  @Test
  void driverNamesMustBeOneSafeComponent() {
    assertEquals("vfio-pci", Names.requireComponent("vfio-pci", "driver"));
    for (String bad : List.of("", ".", "..", "a/b", "a b", "a\tb", "a\u0000", "x".repeat(256))) {
      assertThrows(InvalidNameException.class, () -> Names.requireComponent(bad, "driver"), bad);
    }
  }

  @Test
  void invisibleAndNonAsciiCharactersAreRefused() {
    for (String bad : List.of("vfio\u00a0pci", "vfio\u200bpci", "vfio\u202epci", "vfi\u00f6", "vfio\u3000pci",
        "vfio\u0085pci", "vfio\u007fpci", "a\\b")) {
      InvalidNameException e = assertThrows(InvalidNameException.class, () -> Names.requireComponent(bad, "driver"), bad);
      assertTrue(e.getMessage().startsWith("invalid driver name: "), e.getMessage());
    }
  }

  @Test
  void moduleNamesAreLettersDigitsUnderscoresAndDashes() {
    assertTrue(Names.isModuleName("mlx5_vfio_pci"));
    assertTrue(Names.isModuleName("vfio-pci"));
    for (String bad : List.of("", "../../../../tmp/evil_mod", "bad\0mod", "\u001b[31mred", "a.b", "a:b", "x".repeat(256))) {
      assertFalse(Names.isModuleName(bad), bad);
    }
  }

  @Test
  void printableEscapesControlCharacters() {
    assertEquals("a\\x0ab", Names.printable("a\nb"));
    assertEquals("\\x1b[31mred\\x9b", Names.printable("\u001b[31mred\u009b"));
    assertEquals("a\\u202eb\\u200bc\\u00a0d\\u2028", Names.printable("a\u202eb\u200bc\u00a0d\u2028"));
    assertEquals("d\u00e9j\u00e0 vu", Names.printable("d\u00e9j\u00e0 vu"), "visible text stays as it is");
  }

  @Test
  void printableCutsLongValues() {
    String longName = "0".repeat(100_000);
    assertEquals("0".repeat(Names.ECHO_LIMIT) + "\u2026", Names.printable(longName));
    assertEquals("0".repeat(Names.ECHO_LIMIT), Names.printable("0".repeat(Names.ECHO_LIMIT)));
  }
}
