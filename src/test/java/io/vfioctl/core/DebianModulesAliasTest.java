package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resolution over a real distribution modules.alias (Debian's 6.12 kernel, made by depmod, with
 * only the generic vfio_pci alias) plus the in-tree variants' lines.
 */
class DebianModulesAliasTest {
  static final String FIXTURE = "/io/vfioctl/fixtures/debian-6.12.95+deb12-amd64-modules.alias";

  static String debian() throws IOException {
    try (InputStream in = DebianModulesAliasTest.class.getResourceAsStream(FIXTURE)) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void debianKernelOffersOnlyTheGenericDriver() throws IOException {
    String text = debian();
    assertTrue(text.lines().count() > 27000);
    List<VfioAlias> aliases = VfioAlias.parseAll(text);
    assertEquals(List.of("vfio_pci:v*d*sv*sd*bc*sc*i*"), aliases.stream().map(VfioAlias::alias).toList());
    VfioRanking.Result r = VfioRanking.rank("pci:v000015B3d0000101Esv000015B3sd00000001bc02sc00i00", aliases);
    assertEquals(List.of("vfio_pci"), r.candidates().stream().map(VfioRanking.Candidate::module).toList());
  }

  @Test
  void withVariantsAddedEachDeviceGetsItsOwn() throws IOException {
    List<VfioAlias> aliases = VfioAlias.parseAll(debian() + VfioRankingTest.REAL);
    assertEquals(15, aliases.size());
    assertEquals("mlx5_vfio_pci", VfioRanking.rank("pci:v000015B3d0000101Esv000015B3sd00000001bc02sc00i00", aliases)
        .candidates().get(0).module());
    assertEquals("qat_vfio_pci", VfioRanking.rank("pci:v00008086d00004945sv00008086sd00000000bc0Bsc40i00", aliases)
        .candidates().get(0).module());
    VfioRanking.Result e1000e = VfioRanking.rank("pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00", aliases);
    assertEquals(List.of("vfio_pci"), e1000e.candidates().stream().map(VfioRanking.Candidate::module).toList());
  }
}
