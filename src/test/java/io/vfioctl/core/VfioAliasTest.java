package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding the vfio_pci: lines of a modules.alias wherever they fall in the text. */
class VfioAliasTest {
  private static final String LINE = "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n";

  private static List<String> modules(String text) {
    return VfioAlias.parseAll(text).stream().map(VfioAlias::module).toList();
  }

  @Test
  void aLineIsFoundAtEveryOffset() {
    // Every position relative to the search's chunks and skips, the first line and the last.
    for (int pad = 0; pad < 1100; pad++) {
      String filler = pad == 0 ? "" : "alias pci:v" + "0".repeat(pad - 1) + "\n";
      assertEquals(List.of("mlx5_vfio_pci"), modules(filler + LINE), "after " + filler.length() + " bytes");
      assertEquals(List.of("mlx5_vfio_pci"), modules(filler + LINE.strip()), "at the end, no newline");
    }
  }

  @Test
  void onlyWholeLinesCount() {
    assertEquals(List.of(), modules("# " + LINE + "xalias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"));
    assertEquals(List.of("mlx5_vfio_pci", "mlx5_vfio_pci"), modules(LINE + LINE));
  }

  @Test
  void charactersBeyondLatin1KeepTheLinesAfterThemInPlace() {
    // A supplementary character is two chars; the search must not lose count of them.
    String text = "alias pci:v\uD83D\uDE00\u0101 snd\n" + LINE + "alias vfio_pci:v*d*sv*sd*bc*sc*i\u00e9* vfio_pci\n"
        + "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n";
    assertEquals(List.of("mlx5_vfio_pci", "vfio_pci"), modules(text));
  }
}
