package io.vfioctl.testing;

import io.vfioctl.cli.Main;
import io.vfioctl.testing.TestMachine.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs vfioctl's {@link Main} in this JVM and captures its stdout, stderr and exit code. */
public final class CliRunner {
  private CliRunner() {}

  /** Runs {@code main} with {@code args}; what it prints is decoded as UTF-8. */
  public static Result run(Main main, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      rc = main.run(o, e, args);
    }
    return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
