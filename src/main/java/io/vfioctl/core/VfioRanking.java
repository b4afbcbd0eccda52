package io.vfioctl.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which VFIO driver fits a device best. Candidates are the {@code vfio_pci:} aliases whose
 * pattern matches the device's modalias. Ranked by: fewest wildcarded fields; then fixed fields
 * that matter more (v, d, sv, sd, bc, sc, i in that order: a vendor/device match beats a class
 * match); a remaining tie between modules is ambiguous and broken by module name. A module
 * appears once, with its best alias.
 */
public final class VfioRanking {
  private VfioRanking() {}

  /** A matching alias and its place. */
  public record Candidate(VfioAlias alias, int wildcards) {
    public String module() {
      return alias.module();
    }
  }

  /** The ranked candidates; {@code ambiguous} when the first two could not be told apart. */
  public record Result(List<Candidate> candidates, boolean ambiguous) {
    public Result {
      candidates = List.copyOf(candidates);
    }
  }

  /**
   * Fewest wildcards, then the more significant fields fixed, then the module's name. Written
   * out: {@code Comparator.comparingInt(...).thenComparing(...)} spins the JDK's own lambdas on
   * every call, which the start-up cache does not hold.
   */
  static final Comparator<Candidate> FIT = VfioRanking::compareFit;

  private static int compareFit(Candidate a, Candidate b) {
    int c = Integer.compare(a.wildcards(), b.wildcards());
    if (c == 0) {
      c = significance(a, b);
    }
    return c != 0 ? c : a.module().compareTo(b.module());
  }

  /** Compares which fields are fixed, most significant first; fixed sorts before wildcard. */
  private static int significance(Candidate a, Candidate b) {
    for (int f = 0; f < ModaliasPattern.FIELDS; f++) {
      boolean wa = a.alias().pattern().isWildcard(f);
      boolean wb = b.alias().pattern().isWildcard(f);
      if (wa != wb) {
        return wa ? 1 : -1;
      }
    }
    return 0;
  }

  private static boolean tie(Candidate a, Candidate b) {
    return a.wildcards() == b.wildcards() && significance(a, b) == 0;
  }

  /**
   * Every alias, best fit first: the order depends on the patterns alone, so the first alias of
   * this list that matches a device is the best candidate {@link #rank} finds for it. The early
   * script of the initramfs tries them in this order.
   */
  public static List<VfioAlias> byFit(List<VfioAlias> aliases) {
    List<Candidate> all = new ArrayList<>();
    for (VfioAlias a : aliases) {
      all.add(new Candidate(a, a.pattern().wildcardFields()));
    }
    all.sort(FIT);
    List<VfioAlias> sorted = new ArrayList<>();
    for (Candidate c : all) {
      sorted.add(c.alias());
    }
    return sorted;
  }

  /** Ranks the aliases that match {@code modalias} (with or without its {@code pci:} prefix). */
  public static Result rank(String modalias, List<VfioAlias> aliases) {
    String subject = modalias.startsWith("pci:") ? modalias.substring(4) : modalias;
    Map<String, Candidate> bestPerModule = new LinkedHashMap<>();
    for (VfioAlias a : aliases) {
      if (a.matches(subject)) {
        Candidate c = new Candidate(a, a.pattern().wildcardFields());
        bestPerModule.merge(a.module(), c, (old, neu) -> FIT.compare(neu, old) < 0 ? neu : old);
      }
    }
    List<Candidate> ranked = new ArrayList<>(bestPerModule.values());
    ranked.sort(FIT);
    boolean ambiguous = ranked.size() > 1 && tie(ranked.get(0), ranked.get(1));
    return new Result(ranked, ambiguous);
  }
}
