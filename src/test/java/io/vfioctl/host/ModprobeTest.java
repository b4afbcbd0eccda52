package io.vfioctl.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** modprobe itself is exercised in the QEMU suite; here a stand-in script checks how it is called. */
class ModprobeTest {
  @TempDir Path dir;

  Path script(String body) throws Exception {
    Path p = dir.resolve("modprobe");
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void passesQuietFlagAndModuleAndReadsNothingFromStdin() throws Exception {
    Path log = dir.resolve("args");
    new Modprobe(List.of(script("echo \"$@\" > " + log + "; cat > /dev/null"))).load("vfio_pci");
    assertEquals("-q -- vfio_pci\n", Files.readString(log));
  }

  @Test
  void silentFailureGivesNoDetailAsDriverctlPrintsNone() throws Exception {
    ModuleLoadException e = assertThrows(ModuleLoadException.class,
        () -> new Modprobe(List.of(script("exit 1"))).load("nosuch"));
    assertEquals("", e.getMessage());
    assertEquals("nosuch", e.module());
  }

  @Test
  void modprobesOwnWordsAreKept() throws Exception {
    ModuleLoadException e = assertThrows(ModuleLoadException.class,
        () -> new Modprobe(List.of(script("echo 'modprobe: ERROR: could not insert x: Operation not permitted' >&2; exit 1"))).load("x"));
    assertEquals("modprobe: ERROR: could not insert x: Operation not permitted", e.getMessage());
  }

  @Test
  void missingModprobeIsNamed() {
    ModuleLoadException e = assertThrows(ModuleLoadException.class,
        () -> new Modprobe(List.of(dir.resolve("none"))).load("x"));
    assertEquals("modprobe not found; install kmod", e.getMessage());
  }
}
