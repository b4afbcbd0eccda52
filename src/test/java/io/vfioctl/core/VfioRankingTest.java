package io.vfioctl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VfioRankingTest {
  /** The in-tree variant drivers' aliases as depmod writes them (6.12, plus xe_vfio_pci). */
  static final String REAL = """
      alias pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_core
      alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci
      alias vfio_pci:v000019E5d0000A256sv*sd*bc*sc*i* hisi_acc_vfio_pci
      alias vfio_pci:v000019E5d0000A259sv*sd*bc*sc*i* hisi_acc_vfio_pci
      alias vfio_pci:v000019E5d0000A251sv*sd*bc*sc*i* hisi_acc_vfio_pci
      alias vfio_pci:v00001DD8d00001003sv*sd*bc*sc*i* pds_vfio_pci
      alias vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i* virtio_vfio_pci
      alias vfio_pci:v00001AF4d00001042sv*sd*bc*sc*i* virtio_vfio_pci
      alias vfio_pci:v000010DEd00002342sv*sd*bc*sc*i* nvgrace_gpu_vfio_pci
      alias vfio_pci:v000010DEd00002345sv*sd*bc*sc*i* nvgrace_gpu_vfio_pci
      alias vfio_pci:v00008086d00004941sv*sd*bc*sc*i* qat_vfio_pci
      alias vfio_pci:v00008086d00004943sv*sd*bc*sc*i* qat_vfio_pci
      alias vfio_pci:v00008086d00004945sv*sd*bc*sc*i* qat_vfio_pci
      alias vfio_pci:v00008086d0000E20Bsv*sd*bc*sc*i* xe_vfio_pci
      alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci
      """;

  static String modalias(int vendor, int device, int classCode) {
    return String.format("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", vendor, device, vendor, 0,
        classCode >> 16, (classCode >> 8) & 0xff, classCode & 0xff);
  }

  static List<String> modules(VfioRanking.Result r) {
    return r.candidates().stream().map(VfioRanking.Candidate::module).toList();
  }

  @Test
  void parsesOnlyVfioAliasesInFileOrder() {
    List<VfioAlias> aliases = VfioAlias.parseAll(REAL);
    assertEquals(14, aliases.size());
    assertEquals("mlx5_vfio_pci", aliases.get(0).module());
    assertEquals("vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i*", aliases.get(0).alias());
    assertEquals(List.of("000015B3", "0000101E", "*", "*", "*", "*", "*"), aliases.get(0).pattern().fields());
  }

  @Test
  void linesWhoseModuleOrPatternCouldMisleadAreSkipped() {
    List<VfioAlias> aliases = VfioAlias.parseAll("alias vfio_pci:v*d*sv*sd*bc*sc*i* bad\0mod\n"
        + "alias vfio_pci:v*d*sv*sd*bc*sc*i* ../../../../tmp/evil_mod\n"
        + "alias vfio_pci:v*d*sv*sd*bc*sc*i* \u001b[31mred\n"
        + "alias vfio_pci:v*d*sv*sd\u001b[2J*bc*sc*i* clear_mod\n"
        + "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n");
    assertEquals(List.of("vfio_pci"), aliases.stream().map(VfioAlias::module).toList());
  }

  @Test
  void eachRealVariantBeatsTheGenericDriverForItsDevice() {
    List<VfioAlias> aliases = VfioAlias.parseAll(REAL);
    record Case(int vendor, int device, String module) {}
    for (Case c : List.of(new Case(0x15b3, 0x101e, "mlx5_vfio_pci"), new Case(0x19e5, 0xa259, "hisi_acc_vfio_pci"),
        new Case(0x1dd8, 0x1003, "pds_vfio_pci"), new Case(0x1af4, 0x1042, "virtio_vfio_pci"),
        new Case(0x10de, 0x2345, "nvgrace_gpu_vfio_pci"), new Case(0x8086, 0x4943, "qat_vfio_pci"),
        new Case(0x8086, 0xe20b, "xe_vfio_pci"))) {
      VfioRanking.Result r = VfioRanking.rank(modalias(c.vendor(), c.device(), 0x020000), aliases);
      assertEquals(List.of(c.module(), "vfio_pci"), modules(r), c.toString());
      assertEquals(5, r.candidates().get(0).wildcards());
      assertEquals(7, r.candidates().get(1).wildcards());
      assertFalse(r.ambiguous());
    }
  }

  @Test
  void deviceWithoutVariantGetsTheGenericDriver() {
    VfioRanking.Result r = VfioRanking.rank(modalias(0x8086, 0x100e, 0x020000), VfioAlias.parseAll(REAL));
    assertEquals(List.of("vfio_pci"), modules(r));
    VfioRanking.Result virtioNet = VfioRanking.rank(modalias(0x1af4, 0x1000, 0x020000), VfioAlias.parseAll(REAL));
    assertEquals(List.of("vfio_pci"), modules(virtioNet), "transitional virtio-net has no variant");
  }

  @Test
  void vendorDeviceMatchBeatsClassMatchWithTheSameWildcardCount() {
    String aliases = """
        alias vfio_pci:v*d*sv*sd*bc02sc00i* class_vfio
        alias vfio_pci:v00008086d*sv*sd*bc*sc*i00 vendor_vfio
        alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci
        """;
    VfioRanking.Result r = VfioRanking.rank(modalias(0x8086, 0x1234, 0x020000), VfioAlias.parseAll(aliases));
    assertEquals(List.of("vendor_vfio", "class_vfio", "vfio_pci"), modules(r));
    assertEquals(List.of(5, 5, 7), r.candidates().stream().map(VfioRanking.Candidate::wildcards).toList());
  }

  @Test
  void fewerWildcardFieldsWinOverSignificance() {
    String aliases = """
        alias vfio_pci:v00008086d*sv*sd*bc*sc*i* vendor_only
        alias vfio_pci:v*d*sv*sd*bc02sc00i00 full_class
        """;
    VfioRanking.Result r = VfioRanking.rank(modalias(0x8086, 0x1234, 0x020000), VfioAlias.parseAll(aliases));
    assertEquals(List.of("full_class", "vendor_only"), modules(r));
  }

  @Test
  void partialWildcardCountsAsAWildcardField() {
    String aliases = """
        alias vfio_pci:v000015B3d0000101?sv*sd*bc*sc*i* family_vfio
        alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* exact_vfio
        alias vfio_pci:v000015B3d000010[0-9A-F][0-9A-F]sv*sd*bc*sc*i* range_vfio
        """;
    VfioRanking.Result r = VfioRanking.rank(modalias(0x15b3, 0x101e, 0x020000), VfioAlias.parseAll(aliases));
    assertEquals("exact_vfio", modules(r).get(0));
    assertEquals(List.of(5, 6, 6), r.candidates().stream().map(VfioRanking.Candidate::wildcards).toList());
    assertFalse(r.ambiguous());
  }

  @Test
  void tiesAreAmbiguousAndBrokenByModuleName() {
    String aliases = """
        alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* zeta_vfio
        alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* alpha_vfio
        """;
    VfioRanking.Result r = VfioRanking.rank(modalias(0x15b3, 0x101e, 0x020000), VfioAlias.parseAll(aliases));
    assertEquals(List.of("alpha_vfio", "zeta_vfio"), modules(r));
    assertTrue(r.ambiguous());
  }

  @Test
  void aModuleIsListedOnceWithItsBestAlias() {
    String aliases = """
        alias vfio_pci:v*d*sv*sd*bc02sc*i* multi_vfio
        alias vfio_pci:v00008086d00001234sv*sd*bc*sc*i* multi_vfio
        """;
    VfioRanking.Result r = VfioRanking.rank(modalias(0x8086, 0x1234, 0x020000), VfioAlias.parseAll(aliases));
    assertEquals(1, r.candidates().size());
    assertEquals("vfio_pci:v00008086d00001234sv*sd*bc*sc*i*", r.candidates().get(0).alias().alias());
  }

  @Test
  void plainPciAliasesAreNeverCandidates() {
    VfioRanking.Result r = VfioRanking.rank(modalias(0x15b3, 0x101e, 0x020000),
        VfioAlias.parseAll("alias pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_core\n"));
    assertEquals(List.of(), r.candidates());
  }

  @Test
  void theKernelsTrailingStarAfterTheInterfaceByteLeavesTheFieldFixed() {
    VfioRanking.Result r = VfioRanking.rank(modalias(0x8086, 0x4941, 0x120000), VfioAlias.parseAll("""
        alias vfio_pci:v*d*sv*sd*bc12sc00i*  aaa_vfio_pci
        alias vfio_pci:v*d*sv*sd*bc12sc00i00* zzz_vfio_pci
        """));
    assertEquals(List.of("zzz_vfio_pci", "aaa_vfio_pci"), r.candidates().stream().map(VfioRanking.Candidate::module).toList());
    assertEquals(List.of(4, 5), r.candidates().stream().map(VfioRanking.Candidate::wildcards).toList());
    assertFalse(r.ambiguous());
  }

  @Test
  void aPatternThatStopsEarlyRanksByWhatItFixes() {
    VfioRanking.Result r = VfioRanking.rank(modalias(0x15b3, 0x101e, 0x020000), VfioAlias.parseAll("""
        alias vfio_pci:v000015B3d*sv*sd*bc*sc*i* aaa_vfio_pci
        alias vfio_pci:v000015B3d0000101E* zzz_vfio_pci
        """));
    assertEquals(List.of("zzz_vfio_pci", "aaa_vfio_pci"), r.candidates().stream().map(VfioRanking.Candidate::module).toList());
    assertEquals(List.of(5, 6), r.candidates().stream().map(VfioRanking.Candidate::wildcards).toList());
  }

  @Test
  void fieldsThatFixOnlySomeDigitsAreWildcards() {
    assertEquals(7, ModaliasPattern.parse("v0000123*d*sv*sd*bc*sc*i*").wildcardFields());
    assertEquals(6, ModaliasPattern.parse("v00001234*d*sv*sd*bc*sc*i*").wildcardFields());
    assertEquals(7, ModaliasPattern.parse("v*d*sv*sd*bc*sc*i0?*").wildcardFields());
  }

  @Test
  void malformedPatternsRankLast() {
    ModaliasPattern p = ModaliasPattern.parse("x00001234*");
    assertEquals(7, p.wildcardFields());
    assertEquals(List.of("*", "*", "*", "*", "*", "*", "*"), p.fields());
    assertEquals(List.of("00001234*", "*", "*", "*", "*", "*", "*"), ModaliasPattern.parse("v00001234*").fields());
    assertEquals(List.of("0000[d]", "*", "*", "*", "*", "*", "*"), ModaliasPattern.parse("v0000[d]d*sv*sd*bc*sc*i*").fields());
  }
}
