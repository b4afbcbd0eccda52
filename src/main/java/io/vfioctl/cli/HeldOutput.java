package io.vfioctl.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The caller's stdout, held back until the command ends: until then, a JVM that crashes has
 * printed nothing, and the launcher may run the command again (see {@link Repeatable}). Output
 * beyond {@link #LIMIT} (eight times the largest seen: {@code status --all --json} on 4,096
 * functions) is written as it comes, and the call can then no longer run again.
 */
final class HeldOutput extends OutputStream {
  static final int LIMIT = 24 << 20;

  private final OutputStream target;
  private final Runnable beforeFirstWrite;
  private ByteArrayOutputStream held = new ByteArrayOutputStream(1 << 13);

  /** @param beforeFirstWrite runs once, before the first byte reaches {@code target} */
  HeldOutput(OutputStream target, Runnable beforeFirstWrite) {
    this.target = target;
    this.beforeFirstWrite = beforeFirstWrite;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (held == null) {
      target.write(b, off, len);
      return;
    }
    held.write(b, off, len);
    if (held.size() > LIMIT) {
      release();
    }
  }

  /** Held output stays held: only {@link #release} writes it. */
  @Override
  public void flush() throws IOException {
    if (held == null) {
      target.flush();
    }
  }

  /** Writes what is held, if anything, and from now on writes through. */
  void release() throws IOException {
    if (held != null) {
      ByteArrayOutputStream bytes = held;
      held = null;
      if (bytes.size() > 0) {
        beforeFirstWrite.run();
        bytes.writeTo(target);
      }
    }
    target.flush();
  }

  @Override
  public void close() throws IOException {
    release();
    target.close();
  }
}
