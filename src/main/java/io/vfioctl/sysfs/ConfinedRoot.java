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

/**
 * A directory taken as {@code /}, the way {@code systemctl --root} takes it. Paths are resolved
 * one component at a time: an absolute link target starts again at the directory, {@code ..}
 * stops there, and so nothing outside it is read or written. The root {@code /} itself needs no
 * such care; the kernel's own lookup is the same there, and is used as is.
 */
public final class ConfinedRoot {
  /** As the kernel's limit on links followed in one lookup (then ELOOP). */
  static final int MAX_LINK_HOPS = 40;

  private final Path root;
  private final boolean slash;

  public ConfinedRoot(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.slash = this.root.getParent() == null;
  }

  public Path root() {
    return root;
  }

  /** Where {@code path} (absolute, as on the running system) really is, every link followed. */
  public Path resolve(String path) throws IOException {
    return resolve(path, true);
  }

  /** As {@link #resolve}, but a last component that is a link is left as the link itself. */
  public Path resolveNoFollow(String path) throws IOException {
    return resolve(path, false);
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
    return RegularFile.read(resolve(path), path, limit);
  }

  private Path resolve(String path, boolean followLast) throws IOException {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must be absolute: " + path);
    }
    if (path.indexOf('\0') >= 0) {
      throw new FileSystemException(path, null, "a path cannot contain a NUL byte");
    }
    if (slash) {
      return Path.of(path);
    }
    Deque<String> todo = new ArrayDeque<>();
    pushFront(todo, path);
    Path here = root;
    boolean missing = false;
    int hops = 0;
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (name.equals("..")) {
        here = here.equals(root) ? root : here.getParent();
        continue;
      }
      Path next = here.resolve(name);
      if (missing || (todo.isEmpty() && !followLast)) {
        here = next;
        continue;
      }
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        // Whatever is not there stays not there: the caller's open fails as it should.
        missing = true;
        here = next;
        continue;
      }
      if (!attributes.isSymbolicLink()) {
        here = next;
        continue;
      }
      if (++hops > MAX_LINK_HOPS) {
        throw new FileSystemLoopException(path);
      }
      String target = Files.readSymbolicLink(next).toString();
      if (target.startsWith("/")) {
        here = root;
      }
      pushFront(todo, target);
    }
    return here;
  }

  /** Puts the components of {@code path} before those still to be resolved. */
  private static void pushFront(Deque<String> todo, String path) {
    String[] names = path.split("/");
    for (int i = names.length - 1; i >= 0; i--) {
      if (!names[i].isEmpty() && !names[i].equals(".")) {
        todo.push(names[i]);
      }
    }
  }
}
