package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.TestMachine;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** udev runs vfioctl in parallel; the global lock must keep their writes from interleaving. */
class ConcurrencyTest {
  @TempDir Path root;

  @Test
  void parallelInvocationsOnOneDeviceAllSucceedAndLeaveAConsistentState() throws Exception {
    TestMachine m = new TestMachine(root);
    m.load("vfio_pci");
    m.kernel.slowWrites(2);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Result>> results = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String dev = i % 3 == 0 ? FN0 : NIC;
      String[] args = i % 2 == 0 ? new String[] {"set-override", dev, "vfio-pci"} : new String[] {"unset-override", dev};
      results.add(pool.submit(() -> m.run(args)));
    }
    for (Future<Result> f : results) {
      Result r = f.get();
      assertEquals(0, r.code(), r::toString);
    }
    pool.shutdown();
    for (String dev : List.of(NIC, FN0)) {
      String override = m.override(dev);
      assertEquals(override == null ? "e1000" : override, m.driver(dev), dev);
      String saved = m.persisted(dev);
      assertEquals(override == null ? null : override + "\n", saved, dev);
    }
    assertTrue(Files.exists(root.resolve("run/vfioctl.lock")));
  }
}
