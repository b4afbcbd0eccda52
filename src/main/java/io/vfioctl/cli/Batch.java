package io.vfioctl.cli;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs many vfioctl commands in one JVM, for the real-kernel suite where each JVM start costs
 * seconds. Reads one command a line (blank lines and {@code #} comments skipped) and prints
 * {@code >>> line}, the command's stdout, its stderr lines prefixed {@code !! }, and
 * {@code <<< exit-code}.
 */
public final class Batch {
  private Batch() {}

  public static void main(String[] args) throws IOException {
    Main main = new Main(System.getenv(), io.vfioctl.host.Host::at);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      int rc;
      try (PrintStream o = new PrintStream(stdout, true, StandardCharsets.UTF_8);
          PrintStream e = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
        rc = main.run(o, e, trimmed.split("\\s+"));
      }
      out.println(">>> " + trimmed);
      out.print(stdout.toString(StandardCharsets.UTF_8));
      stderr.toString(StandardCharsets.UTF_8).lines().forEach(l -> out.println("!! " + l));
      out.println("<<< " + rc);
    }
  }
}
