package io.vfioctl.host;

import io.vfioctl.sysfs.RegularFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One lock for every vfioctl invocation on a root ({@code run/vfioctl.lock}), so that udev's
 * parallel calls cannot interleave their writes. A file lock serialises processes; the
 * in-process lock serialises threads of one JVM, which file locks do not. The holder writes its
 * pid and command into the file, so that a caller kept waiting can say whom it waits for.
 */
public final class GlobalLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  private static final Set<GlobalLock> HELD = ConcurrentHashMap.newKeySet();
  private static final long POLL_MILLIS = 50;
  private static final Duration SAY_WAITING_AFTER = Duration.ofSeconds(1);

  private final ReentrantLock threadLock;
  private final FileChannel channel;
  private final FileLock fileLock;

  /** Thrown when another holder kept the lock past the deadline. */
  public static final class TimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    TimeoutException(String message) {
      super(message);
    }
  }

  private GlobalLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
    this.threadLock = threadLock;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /** Blocks until the lock is free. {@code lockFile} must be resolved already (no links). */
  public static GlobalLock acquire(Path lockFile) throws IOException {
    return acquire(lockFile, Duration.ZERO, "", holder -> { });
  }

  /**
   * Waits at most {@code wait} for the lock ({@link Duration#ZERO}: for ever), telling
   * {@code waiting} once, after a second, who holds it.
   *
   * @param command what this caller does, for a caller that waits for it
   */
  public static GlobalLock acquire(Path lockFile, Duration wait, String command, Consumer<String> waiting)
      throws IOException {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    long start = System.nanoTime();
    try {
      if (wait.isZero()) {
        threadLock.lock();
      } else if (!threadLock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new TimeoutException("another thread of this process holds " + lockFile);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + lockFile);
    }
    try {
      Files.createDirectories(key.getParent());
      RegularFile.requireIfPresent(key, key.toString());
      FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      try {
        FileLock fileLock = wait.isZero() ? channel.lock() : waitFor(channel, start, wait, waiting, lockFile);
        GlobalLock lock = new GlobalLock(threadLock, channel, fileLock);
        lock.describeHolder(command);
        HELD.add(lock);
        return lock;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      threadLock.unlock();
      throw e;
    }
  }

  private static FileLock waitFor(FileChannel channel, long start, Duration wait, Consumer<String> waiting, Path file)
      throws IOException {
    boolean told = false;
    String holder = holder(channel);
    while (true) {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return lock;
      }
      // The deadline is for one holder: a queue of callers that each finish is no stuck one.
      String now = holder(channel);
      if (!now.equals(holder)) {
        holder = now;
        start = System.nanoTime();
      }
      long waited = System.nanoTime() - start;
      if (!told && waited > SAY_WAITING_AFTER.toNanos()) {
        waiting.accept(holder(channel));
        told = true;
      }
      if (waited > wait.toNanos()) {
        throw new TimeoutException(holder(channel) + " has held " + file + " for more than " + wait.toSeconds() + " s");
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + file);
      }
    }
  }

  /** Who holds the lock, as its holder wrote it: {@code another vfioctl (pid 42: set-override …)}. */
  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(512);
      int n = channel.read(buf, 0);
      String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
      if (!text.matches("pid [0-9]+:( [\\p{Print}]*)?")) {
        return "another vfioctl";
      }
      return "another vfioctl (" + (text.endsWith(":") ? text.substring(0, text.length() - 1) : text) + ")";
    } catch (IOException e) {
      return "another vfioctl";
    }
  }

  private void describeHolder(String command) throws IOException {
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ": " + command + "\n")
        .getBytes(StandardCharsets.UTF_8)), 0);
  }

  /**
   * Lets go of every file lock this process holds, from any thread, for a process that must end
   * while one of its threads is stuck in the kernel: other callers can go on at once.
   */
  public static void releaseForExit() {
    for (GlobalLock lock : HELD) {
      try {
        lock.fileLock.release();
      } catch (IOException e) {
        // The process is ending; its locks go with it.
      }
    }
  }

  @Override
  public void close() throws IOException {
    HELD.remove(this);
    try {
      fileLock.release();
      channel.close();
    } finally {
      threadLock.unlock();
    }
  }
}
