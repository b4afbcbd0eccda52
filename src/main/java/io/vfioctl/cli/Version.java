package io.vfioctl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * vfioctl's version, as pom.xml sets it, taken from what the JVM has read anyway: the jar's
 * manifest ({@code Implementation-Version}) on the class path, the module descriptor (the
 * compiler's {@code --module-version}) on the module path. A resource of its own would open the
 * jar a second time on every start.
 */
final class Version {
  private static final String UNKNOWN = "(unknown version)";

  private Version() {}

  static String fromBuild() {
    String version = Version.class.getPackage().getImplementationVersion();
    if (version != null) {
      return version;
    }
    ModuleDescriptor module = Version.class.getModule().getDescriptor();
    return module != null ? module.rawVersion().orElse(UNKNOWN) : fromClassesDirectory();
  }

  /** Classes run from a directory (tests, an IDE) have no manifest; the module-info.class among them has the version. */
  private static String fromClassesDirectory() {
    try {
      Path classes = Path.of(Version.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
        return ModuleDescriptor.read(in).rawVersion().orElse(UNKNOWN);
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return UNKNOWN;
    }
  }
}
