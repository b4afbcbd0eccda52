package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostAliasesTest {
  private static final String DEBIAN_LIKE = """
      alias pci:v00008086d000010EDsv*sd*bc*sc*i* ixgbevf
      alias pci:v00008086d*sv*sd*bc0Csc03i30* xhci_pci
      alias vfio_pci:v00008086d000010EDsv*sd*bc*sc*i* vfio_pci
      alias pci:v*d*sv*sd*bc01sc08i02* nvme
      alias pci:v00008086d000010EDsv*sd*bc02sc00i* second
      alias pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_core
      alias pci:v*d*sv*sd*bc0Csc03i30* xhci_generic
      """;

  @Test
  void findsTheFirstMatchingLineInFileOrder() {
    HostAliases aliases = HostAliases.index(DEBIAN_LIKE.getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(Optional.of("ixgbevf"), aliases.moduleFor("pci:v00008086d000010EDsv00008086sd00000000bc02sc00i00"));
    assertEquals(Optional.of("xhci_pci"), aliases.moduleFor("pci:v00008086d0000A0EDsv00008086sd00000000bc0Csc03i30"));
    assertEquals(Optional.of("xhci_generic"), aliases.moduleFor("v00001022d000015E0sv00001022sd00000000bc0Csc03i30"));
    assertEquals(Optional.of("nvme"), aliases.moduleFor("pci:v0000144Dd0000A808sv0000144Dsd0000A801bc01sc08i02"));
    assertEquals(Optional.of("mlx5_core"), aliases.moduleFor("pci:v000015B3d0000101Esv000015B3sd00000000bc02sc00i00"));
    assertEquals(Optional.empty(), aliases.moduleFor("pci:v000010DEd00002342sv000010DEsd00000000bc03sc02i00"));
  }

  /** The index must never change an answer: against a glob match of every line in order, on random files. */
  @Test
  void answersAsAMatchOfEveryLineInOrder() {
    Random random = new Random(15);
    String[] vendors = {"00008086", "000015B3", "000010DE", "0000144D"};
    String[] devices = {"000010ED", "0000101E", "00002342", "0000A808"};
    for (int round = 0; round < 300; round++) {
      StringBuilder text = new StringBuilder();
      for (int line = 0; line < 1 + random.nextInt(12); line++) {
        String vendor = field(random, vendors);
        String device = field(random, devices);
        String classes = random.nextBoolean() ? "bc*sc*i*" : "bc0" + random.nextInt(3) + "sc0" + random.nextInt(2) + "i*";
        String prefix = random.nextInt(6) == 0 ? "vfio_pci:" : "pci:";
        text.append("alias ").append(prefix).append('v').append(vendor).append('d').append(device).append("sv*sd*")
            .append(classes).append(" mod").append(line).append('\n');
        if (random.nextInt(8) == 0) {
          text.append("alias pci:").append(random.nextBoolean() ? "v*" : "junk").append(" odd").append(line).append('\n');
        }
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
      HostAliases aliases = HostAliases.index(bytes);
      List<VfioAlias> every = VfioAlias.parseAll(bytes, VfioAlias.HOST_PREFIX);
      for (int probe = 0; probe < 20; probe++) {
        String modalias = "pci:v" + vendors[random.nextInt(vendors.length)] + "d" + devices[random.nextInt(devices.length)]
            + "sv00000000sd00000000bc0" + random.nextInt(3) + "sc0" + random.nextInt(2) + "i00";
        if (random.nextInt(10) == 0) {
          modalias = "pci:vXYZ" + modalias.substring(8);
        }
        String subject = modalias.substring(4);
        Optional<String> expected = every.stream().filter(a -> a.matches(subject)).map(VfioAlias::module).findFirst();
        assertEquals(expected, aliases.moduleFor(modalias), modalias + " in\n" + text);
      }
    }
  }

  /** A vendor or device as a pattern may write it: fixed, lower case, or with globs. */
  private static String field(Random random, String[] values) {
    String value = values[random.nextInt(values.length)];
    return switch (random.nextInt(6)) {
      case 0 -> "*";
      case 1 -> value.substring(0, 7) + "?";
      case 2 -> value.toLowerCase(java.util.Locale.ROOT);
      case 3 -> value.substring(0, 6) + "[0-9A-F]" + value.charAt(7);
      default -> value;
    };
  }
}
