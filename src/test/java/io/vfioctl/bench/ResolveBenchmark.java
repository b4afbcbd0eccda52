package io.vfioctl.bench;

import io.vfioctl.core.VfioAlias;
import io.vfioctl.core.VfioRanking;
import io.vfioctl.testing.FakeRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolving every device of a 4096-device host against a real modules.alias. Run by
 * bench/resolve; a benchmark, not a test: it measures and prints, it asserts nothing.
 *
 * <p>{@code ResolveBenchmark ALIAS_FILE} times reading and parsing the file and ranking 4096
 * devices, in-process; {@code ResolveBenchmark ALIAS_FILE --make-root DIR N} writes a fake root
 * with N devices and that modules.alias, for timing the whole command.
 */
public final class ResolveBenchmark {
  static final Pattern PCI_ALIAS = Pattern.compile("^alias pci:v0000([0-9A-F]{4})d0000([0-9A-F]{4})sv", Pattern.MULTILINE);

  public static void main(String[] args) throws Exception {
    Path aliasFile = Path.of(args[0]);
    List<String> modaliases = devices(Files.readString(aliasFile, StandardCharsets.ISO_8859_1), 4096);
    if (args.length == 4 && args[1].equals("--make-root")) {
      makeRoot(Path.of(args[2]), aliasFile, Integer.parseInt(args[3]));
      return;
    }
    int rounds = 30;
    long[] parse = new long[rounds];
    long[] rank = new long[rounds];
    int matched = 0;
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      List<VfioAlias> aliases = VfioAlias.parseAll(Files.readString(aliasFile, StandardCharsets.ISO_8859_1));
      long t1 = System.nanoTime();
      matched = 0;
      for (String m : modaliases) {
        matched += VfioRanking.rank(m, aliases).candidates().size();
      }
      long t2 = System.nanoTime();
      parse[i] = t1 - t0;
      rank[i] = t2 - t1;
    }
    System.out.printf("modules.alias: %d lines, %d vfio_pci aliases%n",
        Files.readAllLines(aliasFile, StandardCharsets.ISO_8859_1).size(),
        VfioAlias.parseAll(Files.readString(aliasFile, StandardCharsets.ISO_8859_1)).size());
    System.out.printf("read+parse modules.alias: first %.2f ms, median %.2f ms%n", parse[0] / 1e6, median(parse) / 1e6);
    System.out.printf("rank 4096 devices:        first %.2f ms, median %.2f ms (%.2f us/device), %d candidates%n",
        rank[0] / 1e6, median(rank) / 1e6, median(rank) / 1e3 / modaliases.size(), matched);
  }

  /** Modaliases of real devices: IDs taken from the file's own pci: aliases. */
  static List<String> devices(String aliasText, int n) {
    List<int[]> ids = new ArrayList<>();
    Matcher m = PCI_ALIAS.matcher(aliasText);
    while (m.find()) {
      ids.add(new int[] {Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16)});
    }
    Random rnd = new Random(42);
    List<String> result = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] id = ids.get(rnd.nextInt(ids.size()));
      result.add(String.format("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", id[0], id[1], id[0], 0, 2, 0, 0));
    }
    return result;
  }

  static void makeRoot(Path dir, Path aliasFile, int n) throws Exception {
    FakeRoot root = new FakeRoot(dir);
    Random rnd = new Random(7);
    for (int i = 0; i < n; i++) {
      String name = String.format("0000:%02x:%02x.%x", i / 256, (i / 8) % 32, i % 8);
      root.device(name, 0x8086, rnd.nextInt(0x10000), 0x020000, i % 5 == 0 ? "vfio-pci" : "(null)",
          i % 3 == 0 ? null : "e1000e");
    }
    Path modules = Files.createDirectories(dir.resolve("lib/modules/bench"));
    Files.copy(aliasFile, modules.resolve("modules.alias"));
    Files.createDirectories(dir.resolve("proc/sys/kernel"));
    Files.writeString(dir.resolve("proc/sys/kernel/osrelease"), "bench\n");
    System.out.println(Arrays.asList("made", dir.toString(), String.valueOf(n)));
  }

  static double median(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }
}
