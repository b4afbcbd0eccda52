package io.vfioctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The version is written once, in pom.xml; the command reads it from the build. */
class VersionTest {
  @Test
  void theCommandTellsThePomsVersion() throws Exception {
    String pom = Files.readString(Path.of(System.getProperty("basedir", "."), "pom.xml"));
    Matcher m = Pattern.compile("<artifactId>vfioctl</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertTrue(m.find(), "pom.xml names no version");
    assertEquals(m.group(1), Version.fromBuild());
    assertEquals(m.group(1), Main.VERSION);
  }
}
