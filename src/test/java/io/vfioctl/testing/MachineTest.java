package io.vfioctl.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of command tests: a fresh {@link TestMachine} below a temporary root for each test. */
public abstract class MachineTest {
  @TempDir protected Path root;
  protected TestMachine m;

  @BeforeEach
  void newMachine() {
    m = new TestMachine(root);
  }
}
