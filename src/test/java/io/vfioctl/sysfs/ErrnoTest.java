package io.vfioctl.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoTest {
  @Test
  void javasMessagesMapBackToTheirErrno() {
    assertEquals(Errno.EISDIR, Errno.fromMessage("/sys/x: Is a directory"));
    assertEquals(Errno.ENOTDIR, Errno.fromMessage("Not a directory"));
    assertEquals(Errno.ELOOP, Errno.fromMessage("Too many levels of symbolic links"));
    assertEquals(Errno.EOPNOTSUPP, Errno.fromMessage("Operation not supported"));
    assertEquals(Errno.EPERM, Errno.fromMessage("Operation not permitted"));
    assertEquals(Errno.ENXIO, Errno.fromMessage("No such device or address"));
    assertEquals(Errno.ENODEV, Errno.fromMessage("No such device"));
    assertEquals(Errno.UNKNOWN, Errno.fromMessage("Unknown error 524"));
  }

  @Test
  void anUnknownErrnoKeepsTheSystemsWords() {
    SysfsWriteException e = new SysfsWriteException("/sys/bus/pci/drivers_probe", "0000:00:02.0", Errno.UNKNOWN,
        "Unknown error 524: see dmesg");
    assertEquals("writing '0000:00:02.0' to /sys/bus/pci/drivers_probe failed: Unknown error 524: see dmesg",
        e.getMessage());
    assertEquals("Is a directory (EISDIR): a file was expected here; check the root", Errno.EISDIR.describe());
  }
}
