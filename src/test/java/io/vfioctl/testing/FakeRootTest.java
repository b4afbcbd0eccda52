package io.vfioctl.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of tests over a plain-file root: {@link #NIC} bound to e1000 without an override, and a
 * kernel {@link #RELEASE} whose modules.alias has only the generic vfio_pci alias. The root is
 * {@code base/root}, so that a test has room outside it.
 */
public abstract class FakeRootTest {
  public static final String NIC = TestMachine.NIC;
  public static final String RELEASE = "6.12.0-fake";
  public static final String GENERIC_ALIAS = "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n";

  @TempDir protected Path base;
  protected FakeRoot f;

  @BeforeEach
  void fakeRoot() throws IOException {
    f = new FakeRoot(base.resolve("root")).device(NIC, 0x8086, 0x100e, 0x020000, "(null)", "e1000")
        .kernel(RELEASE, GENERIC_ALIAS);
  }
}
