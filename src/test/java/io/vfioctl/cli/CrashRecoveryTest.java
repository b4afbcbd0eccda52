package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vfioctl.core.ChangeRecord;
import io.vfioctl.core.DeviceName;
import io.vfioctl.host.Host;
import io.vfioctl.host.Journal;
import io.vfioctl.host.PersistedOverrides;
import io.vfioctl.sysfs.ConfinedRoot;
import io.vfioctl.testing.ForwardingSysfs;
import io.vfioctl.sysfs.SysfsWriteException;
import io.vfioctl.testing.CliRunner;
import io.vfioctl.testing.TestMachine;
import io.vfioctl.testing.TestMachine.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every change cut short at every step: a process killed before or after each write (then
 * recovered by the next call), an internal error and a signal at each write (rolled back at
 * once). Each device must end as it was before or as asked, never between, with its saved file
 * matching, and nothing may be left in the journal or as a temporary file.
 */
class CrashRecoveryTest {
  private static final String[] DEVICES = {TestMachine.NIC, EDU, VIRTIO, FN0, TestMachine.FN1};
  private static int crashes;
  private static int internalErrors;
  private static int signals;

  @TempDir Path tmp;
  private int machines;

  /** A change to try: how to set the machine up, and the command. */
  record Scenario(String name, Consumer<TestMachine> setUp, String... args) {}

  static List<Scenario> scenarios() {
    return List.of(
        new Scenario("set-override vfio-pci over e1000", m -> {}, "set-override", NIC, "vfio-pci"),
        new Scenario("set-override vfio on an unbound device", m -> {}, "set-override", EDU, "vfio"),
        new Scenario("set-override none", m -> {}, "set-override", NIC, "none"),
        new Scenario("unset-override back to e1000", m -> m.run("set-override", NIC, "vfio-pci"), "unset-override", NIC),
        new Scenario("load-override", m -> m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n"), "load-override", NIC),
        new Scenario("set-override --noprobe", m -> {}, "--noprobe", "set-override", NIC, "vfio-pci"),
        new Scenario("set-override over a saved none", m -> m.run("set-override", FN0, "none"), "set-override", FN0, "vfio-pci"),
        new Scenario("unset-override --nosave", m -> m.run("set-override", VIRTIO, "vfio-pci"), "--nosave", "unset-override", VIRTIO),
        new Scenario("set-override --nosave", m -> {}, "--nosave", "set-override", VIRTIO, "vfio-pci"),
        new Scenario("unset-override of a device on e1000 with a stray vfio-pci override",
            m -> m.run("--noprobe", "--nosave", "set-override", NIC, "vfio-pci"), "unset-override", NIC),
        new Scenario("set-override edu vfio over a stray vfio-pci override", m -> {
          m.load("vfio_pci");
          m.run("--noprobe", "--nosave", "set-override", EDU, "vfio-pci");
        }, "set-override", EDU, "vfio"),
        new Scenario("detach e1000", m -> {}, "detach", NIC),
        new Scenario("detach --driver of an unbound device", m -> m.load("vfio_pci"), "detach", EDU, "--driver",
            "vfio-pci"),
        new Scenario("reattach a detached e1000", m -> m.run("detach", NIC), "reattach", NIC),
        new Scenario("reattach without a record", m -> m.run("--nosave", "set-override", NIC, "vfio-pci"), "reattach", NIC),
        new Scenario("set-override --group of two functions", m -> {}, "set-override", "--group", FN0, "vfio-pci"),
        new Scenario("detach --group", m -> {}, "detach", "--group", FN0),
        new Scenario("reattach --group", m -> m.run("detach", "--group", FN0), "reattach", "--group", FN0),
        new Scenario("load-override --all", m -> {
          m.write("etc/driverctl.d/pci-" + NIC, "vfio-pci\n");
          m.write("etc/driverctl.d/pci-" + EDU, "vfio\n");
        }, "load-override", "--all"));
  }

  enum Fault { CRASH_BEFORE, CRASH_AFTER, INTERNAL_ERROR, SIGNAL }

  /** The owner of the changes a simulated crash cuts short: a process that no longer exists. */
  static final ChangeRecord.Owner GONE = new ChangeRecord.Owner(Integer.MAX_VALUE, 1);

  /** What a killed process leaves: nothing runs after it, not even a finally of the engine's. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void everyChangeSurvivesAFaultAtEveryStep() throws Exception {
    for (Scenario s : scenarios()) {
      Map<String, String> before = snapshot(prepared(s));
      TestMachine done = prepared(s);
      Injector counter = new Injector(done, Fault.CRASH_BEFORE, Integer.MAX_VALUE);
      assertEquals(0, counter.run(s.args()).code(), s.name());
      Map<String, String> after = snapshot(done);
      assertTrue(counter.changeSteps > 0, s.name() + " made no step");
      for (Fault fault : Fault.values()) {
        // A kill can come at any step; an error or a signal only from a sysfs or saved-file write.
        int steps = fault == Fault.CRASH_BEFORE || fault == Fault.CRASH_AFTER ? counter.steps : counter.changeSteps;
        for (int k = 1; k <= steps; k++) {
          TestMachine m = prepared(s);
          Injector injector = new Injector(m, fault, k);
          String what = s.name() + ", " + fault + " at step " + k + " of " + steps;
          boolean oneDevice = !List.of(s.args()).contains("--all");
          boolean rolledBack = false;
          switch (fault) {
            case CRASH_BEFORE, CRASH_AFTER -> {
              assertThrows(SimulatedCrash.class, () -> injector.run(s.args()), what);
              Result recover = m.run("recover");
              assertEquals(0, recover.code(), () -> what + "\n" + recover);
              crashes++;
            }
            case INTERNAL_ERROR -> {
              Result r = injector.run(s.args());
              assertEquals(oneDevice ? 70 : 1, r.code(), () -> what + "\n" + r);
              assertTrue(r.err().contains("internal error while changing") && r.err().contains("IllegalStateException: injected"),
                  () -> what + "\n" + r);
              rolledBack = oneDevice;
              internalErrors++;
            }
            case SIGNAL -> {
              // A signal during the last step comes too late to stop the change: it completes.
              Result r = injector.run(s.args());
              if (k < steps) {
                assertTrue(r.code() == 1 && r.err().contains("interrupted by a signal"), () -> what + "\n" + r);
                if (oneDevice) {
                  assertEquals(1, r.err().lines().filter(l -> l.contains("interrupted by a signal")).count(),
                      () -> what + ": said more than once\n" + r);
                }
                rolledBack = oneDevice;
              }
              signals++;
            }
          }
          Map<String, String> end = snapshot(m);
          if (oneDevice && (fault == Fault.CRASH_BEFORE || fault == Fault.CRASH_AFTER)) {
            // A change of several devices is one: recovered, every device is as before or every one as asked.
            assertTrue(end.equals(before) || end.equals(after), () -> what + ": half a change recovered\n" + end
                + "\nbefore " + before + "\nafter " + after);
          }
          for (String device : DEVICES) {
            String state = end.get(device);
            if (!state.equals(before.get(device)) && !state.equals(after.get(device))) {
              fail(what + ": " + device + " is " + state + ", neither as before (" + before.get(device)
                  + ") nor as asked (" + after.get(device) + ")");
            }
            if (rolledBack) {
              assertEquals(before.get(device), state, what + ": a rolled-back change must leave " + device + " as before");
            }
          }
          assertEquals(List.of(), leftovers(m), what);
        }
      }
    }
  }

  @Test
  void everyLaterChangeRecoversFirstAndSaysSo() {
    TestMachine m = machine();
    Injector injector = new Injector(m, Fault.CRASH_AFTER, 2);
    assertThrows(SimulatedCrash.class, () -> injector.run("set-override", NIC, "vfio-pci"));
    assertEquals(null, m.driver(NIC), "the crash left the device unbound");
    Result r = m.run("set-override", VIRTIO, "vfio-pci");
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfioctl: warning: rolled back an interrupted change of " + NIC + ": restored driver e1000\n", r.err());
    assertEquals("e1000", m.driver(NIC));
    assertEquals(null, m.override(NIC));
    assertEquals("vfio-pci", m.driver(VIRTIO));
  }

  @Test
  void recoverReportsWhatItDidAndFindsNothingTheSecondTime() {
    TestMachine m = machine();
    Injector injector = new Injector(m, Fault.CRASH_BEFORE, 3);
    assertThrows(SimulatedCrash.class, () -> injector.run("set-override", NIC, "vfio-pci"));
    Result r = m.run("recover");
    assertEquals("recover: 1 rolled back, 0 failed\n", r.out());
    assertEquals(0, m.run("recover").code());
    assertEquals("recover: 0 rolled back, 0 failed\n", m.run("recover").out());
  }

  @Test
  void staleTemporaryFilesAreRemovedByTheNextChange() throws IOException {
    TestMachine m = machine();
    m.write("etc/driverctl.d/.pci-" + NIC + ".12345.tmp", "vfio-pci\n");
    m.write("etc/driverctl.d/pci-" + EDU, "vfio\n");
    assertEquals(0, m.run("set-override", VIRTIO, "vfio-pci").code());
    assertEquals(List.of(), leftovers(m));
    assertTrue(Files.exists(m.root.resolve("etc/driverctl.d/pci-" + EDU)));
  }

  @Test
  void anUnreadableJournalEntryIsDiscardedWithAMessage() {
    TestMachine m = machine();
    m.write("run/vfioctl/journal/pci-" + NIC, "garbage without equals\n");
    Result r = m.run("recover");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("discarded the unreadable journal entry pci-" + NIC), r::toString);
    assertEquals("recover: 0 rolled back, 1 failed\n", r.out());
    assertEquals(0, m.run("recover").code());
  }

  @Test
  void journalEntriesThatAreNoRegularFileAreRemovedOrNamedForAPerson() throws Exception {
    TestMachine m = machine();
    Path journal = m.root.resolve("run/vfioctl/journal");
    Files.createDirectories(journal);
    Path outside = Files.writeString(tmp.resolve("outside"), "not vfioctl's");
    Files.createSymbolicLink(journal.resolve("pci-" + NIC), outside);
    io.vfioctl.testing.HostileFiles.fifo(journal.resolve("pci-" + EDU));
    Files.createDirectory(journal.resolve("pci-" + VIRTIO));
    Files.createDirectories(journal.resolve("pci-" + FN0).resolve("inside"));
    io.vfioctl.testing.HostileFiles.fifo(journal.resolve(".pci-" + TestMachine.FN1 + ".12345.tmp"));
    Result r = m.run("recover");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("cannot remove the journal entry /run/vfioctl/journal/pci-" + FN0 + " (not a regular"
        + " file, a directory that is not empty): remove it by hand (rm -r '/run/vfioctl/journal/pci-" + FN0 + "')"),
        r::toString);
    try (Stream<Path> left = Files.list(journal)) {
      assertEquals(List.of("pci-" + FN0), left.map(f -> f.getFileName().toString()).toList());
    }
    assertEquals("not vfioctl's", Files.readString(outside), "a link is removed, never followed");
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code());
    assertEquals(0, m.run("set-override", EDU, "none").code());
    Result blocked = m.run("set-override", FN0, "vfio-pci");
    assertEquals(1, blocked.code(), blocked::toString);
    assertTrue(blocked.err().contains("run 'vfioctl recover' first"), blocked::toString);
  }

  @Test
  void temporaryFilesAKillLeavesInEveryDirectoryAreRemoved() {
    TestMachine m = machine();
    m.write("run/vfioctl/detached/.pci-" + NIC + ".12345.tmp", "driver=e1000\n");
    m.write("run/vfioctl/domains/.guest.678.tmp", "x");
    m.write("run/vfioctl/detached/pci-" + EDU, "driver=\n");
    assertEquals(0, m.run("recover").code());
    assertTrue(Files.notExists(m.root.resolve("run/vfioctl/detached/.pci-" + NIC + ".12345.tmp")));
    assertTrue(Files.notExists(m.root.resolve("run/vfioctl/domains/.guest.678.tmp")));
    assertTrue(Files.exists(m.root.resolve("run/vfioctl/detached/pci-" + EDU)), "a record is no temporary file");
  }

  private static String entry(String device, String dir, String extra, ChangeRecord.Owner owner) {
    return "device=pci/" + device + "\ndir=" + dir + "\n" + extra + "owner=" + owner.pid() + " " + owner.startMillis() + "\n";
  }

  private static String dirOf(String device) {
    return "/sys/bus/pci/devices/" + device;
  }

  @Test
  void hostileJournalEntriesAreNeverActedOn() {
    TestMachine m = machine();
    m.write("run/vfioctl/journal/pci-" + NIC, entry(NIC, dirOf(NIC), "driver=../../../evil\n", GONE));
    m.write("run/vfioctl/journal/pci-" + EDU, entry(EDU, dirOf(NIC), "driver=e1000\n", GONE));
    m.write("run/vfioctl/journal/pci-" + VIRTIO, entry(NIC, dirOf(NIC), "driver=e1000\n", GONE));
    m.write("run/vfioctl/journal/pci-" + FN0, entry(FN0, dirOf(FN0) + "/..", "", GONE));
    m.write("run/vfioctl/journal/sub/pci-" + FN0, "anything");
    int writes = m.kernel.writeLog().size();
    Result r = m.run("recover");
    assertEquals(1, r.code(), r::toString);
    assertEquals(5, r.err().lines().filter(l -> l.contains("journal entry")).count(), r::toString);
    assertEquals(writes, m.kernel.writeLog().size(), () -> m.kernel.writeLog().toString());
    assertEquals(0, m.run("set-override", NIC, "vfio-pci").code(), "a leftover directory must not block changes");
  }

  @Test
  void anEntryWhoseOwnerStillRunsIsLeftAloneAndItsDeviceRefused() {
    TestMachine m = machine();
    ProcessHandle parent = ProcessHandle.current().parent().orElseThrow(); // the build: alive, and not this process
    ChangeRecord.Owner other = new ChangeRecord.Owner(parent.pid(), parent.info().startInstant().orElseThrow().toEpochMilli());
    m.write("run/vfioctl/journal/pci-" + NIC, entry(NIC, dirOf(NIC), "driver=e1000\n", other));
    m.kernel.writeLog();
    int writes = m.kernel.writeLog().size();
    Result r = m.run("recover");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().contains("is still in the kernel (pid " + parent.pid() + ")"), r::toString);
    Result set = m.run("set-override", NIC, "vfio-pci");
    assertEquals(1, set.code(), set::toString);
    assertTrue(set.err().contains("an interrupted change of " + NIC + " is not rolled back yet"), set::toString);
    assertEquals(writes, m.kernel.writeLog().size(), () -> m.kernel.writeLog().toString());
  }

  @Test
  void anEntryOfThisVeryProcessIsRecovered() {
    // The Java API runs in a long-lived process: a rollback it could not finish must not wedge the device.
    TestMachine m = machine();
    m.run("--nosave", "--noprobe", "set-override", NIC, "vfio-pci");
    m.write("run/vfioctl/journal/pci-" + NIC, entry(NIC, dirOf(NIC), "driver=e1000\ntarget-override=vfio-pci\n",
        io.vfioctl.core.Settings.thisProcess()));
    Result r = m.run("recover");
    assertEquals(0, r.code(), r::toString);
    assertEquals("recover: 1 rolled back, 0 failed\n", r.out());
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void aDeviceChangedSinceTheInterruptedChangeIsLeftAsItIs() throws Exception {
    TestMachine m = machine();
    Injector injector = new Injector(m, Fault.CRASH_AFTER, 2);
    assertThrows(SimulatedCrash.class, () -> injector.run("set-override", NIC, "vfio-pci"));
    // Someone (libvirt, by hand) changes it before any vfioctl call.
    m.kernel.write("/sys/bus/pci/devices/" + NIC + "/driver_override", "none");
    Result r = m.run("recover");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("was dropped: the device was changed since"), r::toString);
    assertEquals("none", m.override(NIC));
  }

  @AfterAll
  static void report() {
    System.out.printf("fault injection: %d faults survived (%d kills recovered by the next call, %d internal errors"
        + " and %d signals rolled back at once)%n", crashes + internalErrors + signals, crashes, internalErrors, signals);
  }

  private TestMachine machine() {
    try {
      return new TestMachine(Files.createDirectories(tmp.resolve("m" + machines++)));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private TestMachine prepared(Scenario s) {
    TestMachine m = machine();
    s.setUp().accept(m);
    return m;
  }

  /** Each device's driver, override, saved file and detach record. */
  private static Map<String, String> snapshot(TestMachine m) {
    Map<String, String> state = new LinkedHashMap<>();
    for (String d : DEVICES) {
      state.put(d, "driver " + m.driver(d) + ", override " + m.override(d) + ", saved "
          + Optional.ofNullable(m.persisted(d)).map(String::strip).orElse(null) + ", detached from "
          + Optional.ofNullable(m.detachedFrom(d)).map(t -> t.strip().replace('\n', ' ')).orElse(null));
    }
    return state;
  }

  /** Journal entries and temporary files: a finished call leaves none. */
  private static List<String> leftovers(TestMachine m) throws IOException {
    List<String> found = new ArrayList<>();
    for (String dir : new String[] {"run/vfioctl/journal", "etc/driverctl.d"}) {
      Path p = m.root.resolve(dir);
      if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.list(p)) {
          files.map(f -> dir + "/" + f.getFileName())
              .filter(f -> f.startsWith("run/") || f.endsWith(".tmp"))
              .forEach(found::add);
        }
      }
    }
    return found;
  }

  /**
   * Runs vfioctl over a host whose sysfs writes and saved-file writes are steps that can fail:
   * step {@code at} crashes (before or after it happens), throws, or is preceded by a signal.
   */
  static final class Injector {
    private final TestMachine m;
    private final Fault fault;
    private final int at;
    private Main main;
    /** Every step: sysfs and saved-file writes, and the journal's commit and entry removals. */
    int steps;
    /** The sysfs and saved-file writes alone. */
    int changeSteps;

    Injector(TestMachine m, Fault fault, int at) {
      this.m = m;
      this.fault = fault;
      this.at = at;
    }

    Result run(String... args) {
      Host host = new Host(m.root, new FaultySysfs(), m.kernel.moduleLoader(), new FaultyPersisted(), new FaultyJournal());
      main = new Main(m.env, r -> host, "vfioctl").owner(GONE);
      return CliRunner.run(main, args);
    }

    interface Step {
      void run() throws Exception;
    }

    <E extends Exception> void step(Step step, Class<E> allowed) throws E {
      step(step, allowed, false);
    }

    /** @param journal a journal step, where only a kill is injected (an error there is a bug, a signal too late) */
    <E extends Exception> void step(Step step, Class<E> allowed, boolean journal) throws E {
      steps++;
      if (!journal) {
        changeSteps++;
      }
      boolean crash = fault == Fault.CRASH_BEFORE || fault == Fault.CRASH_AFTER;
      int index = crash ? steps : journal ? -1 : changeSteps;
      if (index == at) {
        switch (fault) {
          case CRASH_BEFORE -> throw new SimulatedCrash();
          case INTERNAL_ERROR -> throw new IllegalStateException("injected");
          case SIGNAL -> main.interruption().request();
          case CRASH_AFTER -> { }
        }
      }
      try {
        step.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw allowed.cast(e);
      }
      if (index == at && fault == Fault.CRASH_AFTER) {
        throw new SimulatedCrash();
      }
    }

    final class FaultySysfs extends ForwardingSysfs {
      FaultySysfs() {
        super(m.kernel);
      }

      @Override
      public void write(String path, String value) throws SysfsWriteException {
        step(() -> m.kernel.write(path, value), SysfsWriteException.class);
      }
    }

    /** Ending a change is a step too: a crash between two devices' entries must not split a group. */
    final class FaultyJournal extends Journal {
      FaultyJournal() {
        super(new ConfinedRoot(m.root), Host.JOURNAL_DIR, Host.COMMITTED_DIR);
      }

      @Override
      public void end(DeviceName device) throws IOException {
        step(() -> super.end(device), IOException.class, true);
      }

      @Override
      public void commit(String transaction) throws IOException {
        step(() -> super.commit(transaction), IOException.class, true);
      }
    }

    final class FaultyPersisted extends PersistedOverrides {
      FaultyPersisted() {
        super(new ConfinedRoot(m.root), Host.CONF_DIR);
      }

      @Override
      public void write(DeviceName device, String driver) throws IOException {
        step(() -> super.write(device, driver), IOException.class);
      }

      @Override
      public void remove(DeviceName device) throws IOException {
        step(() -> super.remove(device), IOException.class);
      }
    }
  }
}
