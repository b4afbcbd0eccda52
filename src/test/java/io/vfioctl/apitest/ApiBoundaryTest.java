package io.vfioctl.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.api.Vfioctl;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module io.vfioctl exports the Java API and nothing else, and the API's signatures name no
 * type a client could not reach: one of its own package or the JDK's.
 */
class ApiBoundaryTest {
  static final String API = "io.vfioctl.api";
  static final Path BASEDIR = Path.of(System.getProperty("basedir", "."));

  @TempDir Path out;

  static Path classes() throws Exception {
    return Path.of(Vfioctl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theModuleExportsOnlyTheApiPackage() throws Exception {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }
    assertEquals("io.vfioctl", module.name());
    assertEquals(Set.of(API), module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    assertTrue(module.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
    assertEquals(Set.of(), module.opens());
  }

  @Test
  void theApiNamesOnlyItsOwnTypesAndTheJdks() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : apiClasses()) {
      if (!isPublicApi(c)) {
        continue;
      }
      check(c, "extends", c.getGenericSuperclass(), leaks);
      for (Type t : c.getGenericInterfaces()) {
        check(c, "implements", t, leaks);
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers())) {
          check(c, f.getName(), f.getGenericType(), leaks);
        }
      }
      if (c.isRecord()) {
        for (RecordComponent r : c.getRecordComponents()) {
          check(c, r.getName(), r.getGenericType(), leaks);
        }
      }
      List<Executable> members = new ArrayList<>(List.of(c.getDeclaredMethods()));
      members.addAll(List.<Constructor<?>>of(c.getDeclaredConstructors()));
      for (Executable m : members) {
        if (!visible(m.getModifiers()) || m.isSynthetic()) {
          continue;
        }
        if (m instanceof Method method) {
          check(c, m.getName(), method.getGenericReturnType(), leaks);
        }
        for (Type t : m.getGenericParameterTypes()) {
          check(c, m.getName(), t, leaks);
        }
        for (Type t : m.getGenericExceptionTypes()) {
          check(c, m.getName(), t, leaks);
        }
      }
    }
    assertEquals(List.of(), leaks);
  }

  /** The example compiles as a module's client, which sees exported packages only. */
  @Test
  void theExampleCompilesAgainstTheExportedPackageOnly() throws Exception {
    assertEquals("", javac(BASEDIR.resolve("docs/examples/ListVfio.java")));
    Path probe = out.resolve("Probe.java");
    Files.writeString(probe, "class Probe { io.vfioctl.core.PciAddress address; }\n");
    String refused = javac(probe);
    assertNotEquals("", refused);
    assertTrue(refused.contains("package io.vfioctl.core is declared in module io.vfioctl, which does not export it"),
        refused);
  }

  private String javac(Path source) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintWriter messagesOut = new PrintWriter(err, true, StandardCharsets.UTF_8);
    // An empty class path: in-process javac would otherwise take this JVM's, which holds every package.
    int rc = ToolProvider.findFirst("javac").orElseThrow().run(messagesOut, messagesOut, "--class-path", out.toString(),
        "--module-path", classes().toString(), "--add-modules", "io.vfioctl", "-d", out.resolve("classes").toString(),
        source.toString());
    messagesOut.flush();
    String messages = err.toString(StandardCharsets.UTF_8);
    assertEquals(messages.isEmpty(), rc == 0, messages);
    return messages;
  }

  private static List<Class<?>> apiClasses() throws Exception {
    Path dir = classes().resolve(API.replace('.', '/'));
    List<Class<?>> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        String name = p.getFileName().toString();
        found.add(Class.forName(API + "." + name.substring(0, name.length() - ".class".length())));
      }
    }
    assertTrue(found.contains(Vfioctl.class), found::toString);
    return found;
  }

  private static boolean isPublicApi(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void check(Class<?> owner, String member, Type type, List<String> leaks) {
    if (type == null) {
      return;
    }
    if (type instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String pkg = c.getPackageName();
      if (!c.isPrimitive() && !pkg.equals(API) && !pkg.startsWith("java.")) {
        leaks.add(owner.getName() + "." + member + ": " + c.getName());
      }
    } else if (type instanceof ParameterizedType p) {
      check(owner, member, p.getRawType(), leaks);
      for (Type a : p.getActualTypeArguments()) {
        check(owner, member, a, leaks);
      }
    } else if (type instanceof WildcardType w) {
      Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds())).forEach(b -> check(owner, member, b, leaks));
    } else if (type instanceof GenericArrayType g) {
      check(owner, member, g.getGenericComponentType(), leaks);
    } else if (type instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        check(owner, member, b, leaks);
      }
    }
  }
}
