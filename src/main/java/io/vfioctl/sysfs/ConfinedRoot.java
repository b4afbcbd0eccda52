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
 * command), and where a path led to a directory until the next sysfs write (which may move a
 * link), which makes a lookup cost little more than the kernel's. Like any path-based lookup
 * in Java (there is no {@code openat}), this does not guard against someone swapping a directory
 * for a link while vfioctl runs; it guards against what the root holds.
 */
public final class ConfinedRoot {
  /** As the kernel's limit on links followed in one lookup (then ELOOP). */
  static final int MAX_LINK_HOPS = 40;

  private final Path root;
  private final boolean slash;
  private final Set<Path> plainDirectories;
  private final Map<String, Directory> directories;
  /** The deadline of each read, list and link read; null for none. */
  private final Watchdog watchdog;

  public ConfinedRoot(Path root) {
    this(root.toAbsolutePath().normalize(), ConcurrentHashMap.newKeySet(), new ConcurrentHashMap<>(), null);
  }

  private ConfinedRoot(Path root, Set<Path> plainDirectories, Map<String, Directory> directories, Watchdog watchdog) {
    this.root = root;
    this.slash = root.getParent() == null;
    this.plainDirectories = plainDirectories;
    this.directories = directories;
    this.watchdog = watchdog;
  }

  /** The same root, whose reads, listings and link reads have the watchdog's deadline. */
  public ConfinedRoot watched(Watchdog watchdog) {
    return new ConfinedRoot(root, plainDirectories, directories, watchdog);
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

  /** What {@link #locate} finds: where a path leads, and the attributes of what is there. */
  public record Located(Path path, BasicFileAttributes attributes) {}

  /**
   * Where {@code path} leads, every link followed, with the attributes of what is there (not
   * followed further); empty when nothing is there. One look-up: resolving and then asking looks
   * twice, and each look at an absent file costs a thrown exception.
   */
  public Optional<Located> locate(String path) throws IOException {
    Found found = lookUp(path, true);
    BasicFileAttributes attributes = found.missing() ? null
        : found.attributes() != null ? found.attributes() : lstat(found.path());
    return attributes == null ? Optional.empty() : Optional.of(new Located(found.path(), attributes));
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

  /**
   * Where a path led, and what the last look-up there saw (null when it did not look).
   *
   * @param missing whether a look-up on the way found nothing
   */
  private record Found(Path path, BasicFileAttributes attributes, boolean missing) {}

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
    // Most paths are a file of a directory already walked (a device's attributes): from there.
    int cut = path.lastIndexOf('/');
    String parent = path.substring(0, cut);
    Directory known = cut == 0 ? null : directories.get(parent);
    Walk walk = known == null ? new Walk(path, root, 0, 0) : new Walk(path, known.path(), known.depth(), known.hops());
    if (known == null && cut > 0) {
      walk.walk(parent, true);
      if (walk.directory) {
        directories.put(parent, new Directory(walk.here, walk.depth, walk.hops));
      }
    }
    walk.walk(path.substring(cut + 1), followLast);
    return new Found(walk.here, walk.seen, walk.missing);
  }

  /**
   * Where a path led to a directory, remembered until {@link #forgetDirectories}: an entry of
   * {@code /sys/bus/pci/devices} is a link to the device's directory, walked once a command
   * instead of once for each of its files. The links followed on the way count towards the limit.
   */
  private record Directory(Path path, int depth, int hops) {}

  /**
   * Forgets where paths led through links: a write to sysfs can change links (binding a driver
   * changes the device's {@code driver}), and the next look-up must see the new ones.
   */
  public void forgetDirectories() {
    directories.clear();
  }

  /** One look-up under way: where it is, how far below the root, what is left to walk. */
  private final class Walk {
    final String path;
    final Deque<String> todo = new ArrayDeque<>();
    Path here;
    int depth;
    /** What was seen of {@link #here} on the way, if it was looked at. */
    BasicFileAttributes seen;
    /** Whether {@link #here} is known to be a directory. */
    boolean directory;
    boolean missing;
    int hops;

    /** A walk from {@code start}, {@code depth} below the root, {@code hops} links followed; {@code path} is for messages. */
    Walk(String path, Path start, int depth, int hops) {
      this.path = path;
      this.here = start;
      this.depth = depth;
      this.hops = hops;
      this.directory = true;
    }

    /** Goes on along {@code rest}; {@code followLast}: whether a link as its last component is followed. */
    void walk(String rest, boolean followLast) throws IOException {
      pushFront(todo, rest);
      while (!todo.isEmpty()) {
        String name = todo.pop();
        if (name.equals("..")) {
          up();
          continue;
        }
        Path next = here.resolve(name);
        if (missing || (todo.isEmpty() && !followLast)) {
          down(next, null, false);
          continue;
        }
        if (plainDirectories.contains(next)) {
          down(next, null, true);
          continue;
        }
        BasicFileAttributes seen = lstat(next);
        if (seen == null) {
          // Whatever is not there stays not there: the caller's open fails as it should.
          missing = true;
          down(next, null, false);
        } else if (!seen.isSymbolicLink()) {
          if (seen.isDirectory()) {
            plainDirectories.add(next);
          }
          down(next, seen, seen.isDirectory());
        } else {
          follow(next);
        }
      }
    }

    void up() {
      if (depth > 0) {
        here = here.getParent();
        depth--;
      }
      seen = null;
      directory = !missing && (depth == 0 || plainDirectories.contains(here));
    }

    void down(Path next, BasicFileAttributes attributes, boolean isDirectory) {
      here = next;
      depth++;
      seen = attributes;
      directory = isDirectory;
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
      directory = false;
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
      return new Found(p, null, false);
    }
    BasicFileAttributes last = lstat(p);
    return last != null && last.isSymbolicLink() ? null : new Found(p, last, last == null);
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
