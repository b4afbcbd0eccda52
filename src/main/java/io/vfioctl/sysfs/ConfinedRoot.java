package io.vfioctl.sysfs;

import java.util.Optional;
import java.util.List;
import java.util.ArrayList;
import java.nio.file.DirectoryStream;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
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
  private final Set<Path> plainDirectories;
  /**
   * Where each directory reached through plain directories alone lies, by its path as given: a
   * file in it is then found without walking the path again.
   */
  private final Map<String, Path> plainPaths;
  /** The deadline of each read, list and link read; null for none. */
  private final Watchdog watchdog;

  public ConfinedRoot(Path root) {
    this(root.toAbsolutePath().normalize(), ConcurrentHashMap.newKeySet(), new ConcurrentHashMap<>(), null);
  }

  private ConfinedRoot(Path root, Set<Path> plainDirectories, Map<String, Path> plainPaths, Watchdog watchdog) {
    this.root = root;
    this.slash = root.getParent() == null;
    this.plainDirectories = plainDirectories;
    this.plainPaths = plainPaths;
    this.watchdog = watchdog;
  }

  /** The same root, whose reads, listings and link reads have the watchdog's deadline. */
  public ConfinedRoot watched(Watchdog watchdog) {
    return new ConfinedRoot(root, plainDirectories, plainPaths, watchdog);
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
    begin("reading ", path);
    try {
      Found found = lookUp(path, true);
      return RegularFile.read(found.path(), found.attributes(), path, limit);
    } finally {
      end();
    }
  }

  /** The names in directory {@code path}; none when it cannot be listed. */
  public List<String> list(String path) {
    begin("listing ", path);
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(resolve(path))) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    } catch (IOException | SecurityException e) {
      names.clear(); // gone meanwhile, not a directory, or not ours to look into
    } finally {
      end();
    }
    return names;
  }

  /** What the link at {@code path} says, never followed; empty when it is no link. */
  public Optional<String> linkText(String path) {
    begin("reading the link ", path);
    try {
      return Optional.of(Files.readSymbolicLink(resolveNoFollow(path)).toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty();
    } finally {
      end();
    }
  }

  private void begin(String what, String path) {
    if (watchdog != null) {
      watchdog.begin(what + path);
    }
  }

  private void end() {
    if (watchdog != null) {
      watchdog.end();
    }
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
    Found known = inPlainDirectory(path, followLast);
    if (known != null) {
      return known;
    }
    Walk walk = new Walk(path);
    // The path as walked so far while it has met only plain directories, else null.
    StringBuilder plain = new StringBuilder(path.length());
    while (!walk.todo.isEmpty()) {
      String name = walk.todo.pop();
      if (name.equals("..")) {
        plain = null;
        walk.up();
        continue;
      }
      Path next = walk.here.resolve(name);
      if (walk.missing || (walk.todo.isEmpty() && !followLast) || plainDirectories.contains(next)) {
        walk.down(next, null);
        plain = remember(plain, name, next, walk.todo.size() == 1);
        continue;
      }
      BasicFileAttributes seen = lstat(next);
      if (seen == null) {
        // Whatever is not there stays not there: the caller's open fails as it should.
        walk.missing = true;
        walk.down(next, null);
      } else if (!seen.isSymbolicLink()) {
        if (seen.isDirectory()) {
          plainDirectories.add(next);
        }
        walk.down(next, seen);
        plain = remember(plain, name, next, walk.todo.size() == 1);
      } else {
        plain = null;
        walk.follow(next);
      }
    }
    return new Found(walk.here, walk.seen);
  }

  /**
   * Notes that {@code plain/name} is {@code next}, while the walk has met plain directories alone:
   * only the last directory, where the files that are read lie.
   */
  private StringBuilder remember(StringBuilder plain, String name, Path next, boolean lastDirectory) {
    if (plain == null || !plainDirectories.contains(next)) {
      return null;
    }
    plain.append('/').append(name);
    if (lastDirectory) {
      plainPaths.putIfAbsent(plain.toString(), next);
    }
    return plain;
  }

  /**
   * The walk's result for {@code path} when its directory is known to lie through plain
   * directories alone; null when the walk must be made (or its last component is a link).
   */
  private Found inPlainDirectory(String path, boolean followLast) {
    int slash = path.lastIndexOf('/');
    String name = path.substring(slash + 1);
    Path dir = slash > 0 ? plainPaths.get(path.substring(0, slash)) : null;
    if (dir == null || name.isEmpty() || name.equals(".") || name.equals("..")) {
      return null;
    }
    Path next = dir.resolve(name);
    if (!followLast || plainDirectories.contains(next)) {
      return new Found(next, null);
    }
    BasicFileAttributes seen = lstat(next);
    if (seen == null) {
      return new Found(next, null);
    }
    if (seen.isSymbolicLink()) {
      return null;
    }
    if (seen.isDirectory()) {
      plainDirectories.add(next);
    }
    return new Found(next, seen);
  }

  /** One look-up under way: where it is, how far below the root, what is left to walk. */
  private final class Walk {
    final String path;
    final Deque<String> todo = new ArrayDeque<>();
    Path here = root;
    int depth;
    /** What was seen of {@link #here} on the way, if it was looked at. */
    BasicFileAttributes seen;
    boolean missing;
    int hops;

    Walk(String path) {
      this.path = path;
      pushFront(todo, path);
    }

    void up() {
      if (depth > 0) {
        here = here.getParent();
        depth--;
      }
      seen = null;
    }

    void down(Path next, BasicFileAttributes attributes) {
      here = next;
      depth++;
      seen = attributes;
    }

    /** Goes on with the link's target in place of the link: from the root if it is absolute. */
    void follow(Path link) throws IOException {
      if (++hops > MAX_LINK_HOPS) {
        throw new FileSystemLoopException(path);
      }
      String target = Files.readSymbolicLink(link).toString();
      if (target.startsWith("/")) {
        here = root;
        depth = 0;
      }
      seen = null;
      pushFront(todo, target);
    }
  }

  /** The attributes of {@code p} itself (not of a link's target), or null if it cannot be seen. */
  private static BasicFileAttributes lstat(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
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
    BasicFileAttributes last = lstat(p);
    return last != null && last.isSymbolicLink() ? null : new Found(p, last);
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
