package io.vfioctl.sysfs;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A directory taken as {@code /}, the way {@code systemctl --root} takes it. Paths are resolved
 * one component at a time: an absolute link target starts again at the directory, {@code ..}
 * stops there, and so nothing outside it is read or written. The root {@code /} itself needs no
 * such care; the kernel's own lookup is the same there, and is used as is.
 *
 * <p>Directories found not to be links are remembered for the life of the instance (one
 * command), which makes a lookup cost little more than the kernel's. Like any path-based lookup
 * in Java (there is no {@code openat}), this does not guard against someone swapping a directory
 * for a link while vfioctl runs; it guards against what the root holds.
 */
public final class ConfinedRoot {
  /** As the kernel's limit on links followed in one lookup (then ELOOP). */
  static final int MAX_LINK_HOPS = 40;

  private final Path root;
  private final boolean slash;
  private final Set<Path> plainDirectories = ConcurrentHashMap.newKeySet();

  public ConfinedRoot(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.slash = this.root.getParent() == null;
  }

  public Path root() {
    return root;
  }

  /** Where {@code path} (absolute, as on the running system) really is, every link followed. */
  public Path resolve(String path) throws IOException {
    return lookUp(path, true).path();
  }

  /** As {@link #resolve}, but a last component that is a link is left as the link itself. */
  public Path resolveNoFollow(String path) throws IOException {
    return lookUp(path, false).path();
  }

  /** Whether {@code path} exists, its links followed. */
  public boolean exists(String path) {
    try {
      return Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return false;
    }
  }

  /** The content of the regular file at {@code path}; see {@link RegularFile#read}. */
  public byte[] read(String path, SizeLimit limit) throws IOException {
    Found found = lookUp(path, true);
    return RegularFile.read(found.path(), found.attributes(), path, limit);
  }

  /** Where a path led, and what the last look-up there saw (null when it did not look). */
  private record Found(Path path, BasicFileAttributes attributes) {}

  private Found lookUp(String path, boolean followLast) throws IOException {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must be absolute: " + path);
    }
    if (path.indexOf('\0') >= 0) {
      throw new FileSystemException(path, null, "a path cannot contain a NUL byte");
    }
    if (slash) {
      Found kernels = kernelsLookUp(path, followLast);
      if (kernels != null) {
        return kernels;
      }
    }
    Deque<String> todo = new ArrayDeque<>();
    pushFront(todo, path);
    Path here = root;
    int depth = 0;
    BasicFileAttributes attributes = null;
    boolean missing = false;
    int hops = 0;
    while (!todo.isEmpty()) {
      String name = todo.pop();
      attributes = null;
      if (name.equals("..")) {
        if (depth > 0) {
          here = here.getParent();
          depth--;
        }
        continue;
      }
      Path next = here.resolve(name);
      if (missing || (todo.isEmpty() && !followLast) || plainDirectories.contains(next)) {
        here = next;
        depth++;
        continue;
      }
      try {
        attributes = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        // Whatever is not there stays not there: the caller's open fails as it should.
        missing = true;
        here = next;
        depth++;
        continue;
      }
      if (!attributes.isSymbolicLink()) {
        if (attributes.isDirectory()) {
          plainDirectories.add(next);
        }
        here = next;
        depth++;
        continue;
      }
      attributes = null;
      if (++hops > MAX_LINK_HOPS) {
        throw new FileSystemLoopException(path);
      }
      String target = Files.readSymbolicLink(next).toString();
      if (target.startsWith("/")) {
        here = root;
        depth = 0;
      }
      pushFront(todo, target);
    }
    return new Found(here, attributes);
  }

  /**
   * Under {@code /} the kernel's own look-up, or null when the last component is a link to follow:
   * files are opened without following a last link, so that link is walked as below.
   */
  private static Found kernelsLookUp(String path, boolean followLast) {
    Path p = Path.of(path);
    if (!followLast) {
      return new Found(p, null);
    }
    try {
      BasicFileAttributes last = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return last.isSymbolicLink() ? null : new Found(p, last);
    } catch (IOException e) {
      return new Found(p, null);
    }
  }

  /** Puts the components of {@code path} before those still to be resolved. */
  private static void pushFront(Deque<String> todo, String path) {
    int end = path.length();
    while (end > 0) {
      int slash = path.lastIndexOf('/', end - 1);
      String name = path.substring(slash + 1, end);
      if (!name.isEmpty() && !name.equals(".")) {
        todo.push(name);
      }
      end = Math.max(slash, 0);
    }
  }
}
