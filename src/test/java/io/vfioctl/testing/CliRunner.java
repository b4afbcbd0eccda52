package io.vfioctl.testing;

import io.vfioctl.cli.Main;
import io.vfioctl.testing.TestMachine.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Runs vfioctl's {@link Main} in this JVM and captures its stdout, stderr and exit code. */
public final class CliRunner {
  private CliRunner() {}

  /** Runs {@code main} with {@code args}; what it prints is decoded as UTF-8. */
  public static Result run(Main main, String... args) {
    try {
      Printed<Integer> p = capture((out, err) -> main.run(out, err, args));
      return new Result(p.value(), p.out(), p.err());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Something that prints to the stdout and stderr it is given and returns a {@code T}. */
  public interface Printing<T> {
    T run(PrintStream out, PrintStream err) throws IOException;
  }

  /** What a {@link Printing} returned and printed. */
  public record Printed<T>(T value, String out, String err) {}

  /** Runs {@code action} with streams that collect what it prints. */
  public static <T> Printed<T> capture(Printing<T> action) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    T value;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      value = action.run(o, e);
    }
    return new Printed<>(value, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
