package io.vfioctl.testing;

import io.vfioctl.cli.Main;
import io.vfioctl.host.Host;
import io.vfioctl.host.RootLayout;
import io.vfioctl.testing.TestMachine.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A root directory laid out like a real machine's, with plain files and symbolic links where
 * sysfs has them, for commands that only read (and for driverctl to read the same state).
 */
public final class FakeRoot {
  public final Path root;
  private final RootLayout layout;

  public FakeRoot(Path root) throws IOException {
    this.root = root;
    this.layout = new RootLayout(root);
  }

  /** @see RootLayout#device */
  public FakeRoot device(String name, int vendor, int device, int classCode, String override, String driver)
      throws IOException {
    layout.device(name, vendor, device, classCode, override, driver);
    return this;
  }

  public FakeRoot persisted(String fileName, String content) throws IOException {
    layout.persisted(fileName, content);
    return this;
  }

  /** The directory of a device added with {@link #device}, or a file in it. */
  public Path deviceDir(String name) {
    return layout.deviceDir(name);
  }

  /** Makes the root's kernel {@code release} with this modules.alias text. */
  public FakeRoot kernel(String release, String modulesAlias) throws IOException {
    layout.kernel(release, modulesAlias);
    return this;
  }

  /** Runs vfioctl with {@code --root} this root, through the real {@code Host.at}. */
  public Result run(String... args) {
    return runAt(root.toString(), args);
  }

  /** Runs vfioctl with {@code --root root}, which need not exist. */
  public static Result runAt(String root, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 2];
    all[0] = "--root";
    all[1] = root;
    System.arraycopy(args, 0, all, 2, args.length);
    int rc;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      rc = new Main(Map.of(), Host::at).run(o, e, all);
    }
    return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

}
