package io.vfioctl.cli;

import static io.vfioctl.testing.HostileFiles.fifo;
import static io.vfioctl.testing.HostileFiles.huge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vfioctl.testing.FakeRootTest;
import io.vfioctl.testing.TestMachine.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Files a hostile root holds where vfioctl expects small regular files: each gets one line naming
 * the file and exit 1, never an OutOfMemoryError, a stack trace or a hang.
 */
class HostileFilesTest extends FakeRootTest {

  /** Runs vfioctl, failing the test instead of hanging for ever on a FIFO. */
  Result run(String... args) {
    return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> f.run(args));
  }

  static void assertOneLine(String expected, Result r) {
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: " + expected + "\n", r.err(), r::toString);
  }

  @Test
  void hugeSavedOverride() throws IOException {
    huge(f.root.resolve("etc/driverctl.d/pci-" + NIC));
    String message = "cannot read /etc/driverctl.d/pci-" + NIC + ": larger than 4 KiB, too large for a saved override";
    assertOneLine(message, run("load-override", NIC));
    assertOneLine(message, run("list-persisted"));
  }

  @Test
  void hugeModulesAlias() throws IOException {
    huge(f.root.resolve("lib/modules/" + RELEASE + "/modules.alias"));
    assertOneLine("cannot read /lib/modules/" + RELEASE + "/modules.alias (kernel " + RELEASE
        + "): larger than 64 MiB, too large for a modules.alias", run("vfio-driver", NIC));
  }

  @Test
  void hugeSysfsAttribute() throws IOException {
    huge(f.deviceDir(NIC).resolve("modalias"));
    assertOneLine("cannot read /sys/bus/pci/devices/" + NIC + "/modalias: larger than 64 KiB, too large for a sysfs "
        + "attribute; check the root", run("vfio-driver", NIC));
  }

  @Test
  void hugeKernelRelease() throws IOException {
    huge(f.root.resolve("proc/sys/kernel/osrelease"));
    assertOneLine("cannot read the kernel release from /proc/sys/kernel/osrelease under " + f.root
        + ": larger than 4 KiB, too large for a kernel release", run("vfio-driver", NIC));
  }

  @Test
  void fifoAsSysfsAttributes() throws Exception {
    fifo(f.deviceDir(NIC).resolve("modalias"));
    assertOneLine("cannot read /sys/bus/pci/devices/" + NIC + "/modalias: a FIFO, not a regular file; check the root",
        run("vfio-driver", NIC));
    fifo(f.deviceDir(NIC).resolve("driver_override"));
    assertOneLine("cannot read /sys/bus/pci/devices/" + NIC + "/driver_override: a FIFO, not a regular file; "
        + "check the root", run("list-devices"));
  }

  @Test
  void fifoToWriteTo() throws Exception {
    fifo(f.root.resolve("sys/bus/pci/drivers/e1000/unbind"));
    Result r = run("--noprobe", "set-override", NIC, "vfio-pci");
    assertOneLine("unbinding " + NIC + " failed: writing '" + NIC + "' to /sys/bus/pci/devices/" + NIC
        + "/driver/unbind failed: it is a FIFO, not a regular file; sysfs attributes are regular files: check the root;"
        + " restored driver e1000", r);
  }

  @Test
  void fifoAsModulesAliasOrKernelRelease() throws Exception {
    fifo(f.root.resolve("lib/modules/" + RELEASE + "/modules.alias"));
    assertOneLine("cannot read /lib/modules/" + RELEASE + "/modules.alias (kernel " + RELEASE
        + "): a FIFO, not a regular file", run("vfio-driver", NIC));
    fifo(f.root.resolve("proc/sys/kernel/osrelease"));
    assertOneLine("cannot read the kernel release from /proc/sys/kernel/osrelease under " + f.root
        + ": a FIFO, not a regular file", run("vfio-driver", NIC));
  }

  @Test
  void fifoAsLockFile() throws Exception {
    fifo(f.root.resolve("run/vfioctl.lock"));
    assertOneLine("cannot lock /run/vfioctl.lock: a FIFO, not a regular file", run("--noprobe", "set-override", NIC,
        "vfio-pci"));
    assertEquals("(null)\n", Files.readString(f.deviceDir(NIC).resolve("driver_override")), "nothing changed");
  }

  @Test
  void linkLoop() throws IOException {
    Path attribute = f.deviceDir(NIC).resolve("modalias");
    Files.delete(attribute);
    Files.createSymbolicLink(attribute, Path.of("modalias"));
    assertOneLine("cannot read /sys/bus/pci/devices/" + NIC + "/modalias: too many levels of symbolic links; "
        + "check the root", run("vfio-driver", NIC));
  }
}
