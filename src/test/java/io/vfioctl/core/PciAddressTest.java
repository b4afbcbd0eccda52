package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PciAddressTest {
  @Test
  void parsesAndPrintsTheCanonicalForm() {
    PciAddress a = PciAddress.parse("0000:3b:1f.7");
    assertEquals(new PciAddress(0, 0x3b, 0x1f, 7), a);
    assertEquals("0000:3b:1f.7", a.toString());
    assertEquals("0000:3b:1f.7", PciAddress.parse("0000:3B:1F.7").toString());
  }

  @Test
  void rejectsEverythingElse() {
    for (String bad : List.of("", "00:02.0", "0000:00:02.8", "0000:00:20.0", "0000:00:02", "0000-00:02.0",
        "0000:00:02.0 ", "g000:00:02.0", "0000:00:02.0/..", "../../../../x",
        "0000:00:0\u0662.0", "0000:00:0\uff12.0", "\u0660000:00:02.0", "0000:00:0\u00b2.0")) {
      assertFalse(PciAddress.isValid(bad), bad);
      InvalidNameException e = assertThrows(InvalidNameException.class, () -> PciAddress.parse(bad));
      assertTrue(e.getMessage().startsWith("invalid PCI address"), e.getMessage());
    }
  }

  @Test
  void ordersByDomainBusSlotFunction() {
    List<PciAddress> l = new ArrayList<>(List.of(PciAddress.parse("0001:00:00.0"), PciAddress.parse("0000:01:00.1"),
        PciAddress.parse("0000:01:00.0"), PciAddress.parse("0000:00:1f.0")));
    l.sort(null);
    assertEquals("[0000:00:1f.0, 0000:01:00.0, 0000:01:00.1, 0001:00:00.0]", l.toString());
  }

  @Test
  void printsAsTheKernelsFormatDoes() {
    for (int domain : new int[] {0, 1, 0xa, 0x10, 0xabc, 0xffff}) {
      for (int bus = 0; bus <= 0xff; bus += 0x11) {
        for (int slot = 0; slot <= 0x1f; slot++) {
          for (int function = 0; function <= 7; function++) {
            assertEquals(String.format("%04x:%02x:%02x.%x", domain, bus, slot, function),
                new PciAddress(domain, bus, slot, function).toString());
          }
        }
      }
    }
  }
}
