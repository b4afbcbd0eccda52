package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.sysfs.Errno;
import io.vfioctl.testing.FakeRoot;
import io.vfioctl.testing.FakeRootTest;
import io.vfioctl.testing.TestMachine;
import io.vfioctl.testing.TestMachine.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Messages that must say what really happened, in one line a user can act on. */
class MessagesTest extends FakeRootTest {

  @Test
  void aRootThatDoesNotExistIsSaidToBeMissing() throws IOException {
    String missing = base.resolve("no-such-root").toString();
    for (String[] args : new String[][] {{"list-devices"}, {"--noprobe", "set-override", NIC, "vfio-pci"}}) {
      Result r = FakeRoot.runAt(missing, args);
      assertEquals(1, r.code(), r::toString);
      assertEquals("vfioctl: root " + missing + " does not exist; check --root or VFIOCTL_ROOT\n", r.err());
    }
    Path file = Files.writeString(base.resolve("file"), "");
    assertEquals("vfioctl: root " + file + " is not a directory; check --root or VFIOCTL_ROOT\n",
        FakeRoot.runAt(file.toString(), "list-devices").err());
  }

  @Test
  void anOverrideThatCouldNotBeRestoredIsCalledThat() throws IOException {
    TestMachine m = new TestMachine(Files.createDirectories(base.resolve("sim")));
    m.write("etc/driverctl.d", "a file where the directory should be");
    m.kernel.failWrites("/sys/bus/pci/devices/" + NIC + "/driver_override", "", Errno.EIO);
    Result r = m.run("set-override", NIC, "e1000");
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: cannot save override for " + NIC + ": " + base.resolve("sim/etc/driverctl.d")
        + " is in the way of a directory; check the root; COULD NOT RESTORE the override (now e1000, was unset): "
        + "writing '' to /sys/bus/pci/devices/" + NIC + "/driver_override failed: Input/output error (EIO): "
        + "see dmesg for the driver's complaint\n", r.err());
  }

  @Test
  void aDirectoryWhereAFileShouldBeIsCalledADirectory() throws IOException {
    Path unbind = f.root.resolve("sys/bus/pci/drivers/e1000/unbind");
    Files.delete(unbind);
    Files.createDirectory(unbind);
    Result r = f.run("--noprobe", "set-override", NIC, "vfio-pci");
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: unbinding " + NIC + " failed: writing '" + NIC + "' to /sys/bus/pci/devices/" + NIC
        + "/driver/unbind failed: Is a directory (EISDIR): a file was expected here; check the root; "
        + "restored driver e1000\n", r.err());
  }

  @Test
  void aHugeDeviceNameIsNotEchoedInFull() {
    String huge = NIC + "0".repeat(100_000);
    Result r = f.run("--noprobe", "set-override", huge, "vfio-pci");
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: invalid PCI address: " + huge.substring(0, 64) + "\u2026 (expected DDDD:BB:DD.F, "
        + "e.g. 0000:03:00.0)\n", r.err());
  }

  @Test
  void upperCaseHexNamesTheKernelsLowerCaseDevice() throws IOException {
    f.device("0000:00:1f.2", 0x8086, 0x2922, 0x010601, "(null)", "ahci");
    Result r = f.run("--noprobe", "set-override", "0000:00:1F.2", "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfio-pci\n", Files.readString(f.deviceDir("0000:00:1f.2").resolve("driver_override")));
    assertEquals("vfio-pci\n", Files.readString(f.root.resolve("etc/driverctl.d/pci-0000:00:1f.2")));
  }

  @Test
  void otherDigitsAreNoHexDigits() {
    for (String address : List.of("0000:00:0\u0662.0", "0000:00:0\uff12.0", "\u0660000:00:02.0")) {
      Result r = f.run("--noprobe", "set-override", address, "vfio-pci");
      assertEquals(1, r.code(), r::toString);
      assertEquals("vfioctl: invalid PCI address: " + address + " (expected DDDD:BB:DD.F, e.g. 0000:03:00.0)\n",
          r.err());
    }
  }

  @Test
  void driverNamesWithInvisibleOrNonAsciiCharactersAreRefused() throws IOException {
    for (String driver : List.of("vfio\u00a0pci", "vfio\u200bpci", "vfio\u202epci", "vfi\u00f6-pci")) {
      Result r = f.run("--noprobe", "set-override", NIC, driver);
      assertEquals(1, r.code(), r::toString);
      assertTrue(r.err().startsWith("vfioctl: invalid driver name: vfi"), r::toString);
      assertEquals("(null)\n", Files.readString(f.deviceDir(NIC).resolve("driver_override")), driver);
    }
    assertEquals("vfioctl: invalid driver name: vfio\\u202epci (printable ASCII only, no slashes or spaces, not . or ..)\n",
        f.run("set-override", NIC, "vfio\u202epci").err());
  }
}
