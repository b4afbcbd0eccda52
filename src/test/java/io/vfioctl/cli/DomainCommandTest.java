package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.EDU;
import static io.vfioctl.testing.TestMachine.FN0;
import static io.vfioctl.testing.TestMachine.FN1;
import static io.vfioctl.testing.TestMachine.NIC;
import static io.vfioctl.testing.TestMachine.VIRTIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.testing.Golden;
import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** vfioctl domain check|prepare|release on a libvirt domain, against the simulated machine. */
class DomainCommandTest extends MachineTest {
  /** e1000 forced to vfio-pci, edu left to the best fit (its variant), both managed='no'; virtio managed by libvirt; one kvm device. */
  static final String DOMAIN = """
      <domain type='kvm'>
        <name>guest1</name>
        <uuid>6f6f0a5e-1c4d-4bd5-9a5b-3c1f0e6a8b01</uuid>
        <devices>
          <hostdev mode='subsystem' type='pci' managed='no'>
            <driver name='vfio' model='vfio-pci'/>
            <source><address domain='0x0000' bus='0x00' slot='0x02' function='0x0'/></source>
          </hostdev>
          <hostdev mode='subsystem' type='pci' managed='no'>
            <source><address domain='0' bus='0' slot='3' function='0'/></source>
          </hostdev>
          <hostdev mode='subsystem' type='pci' managed='yes'>
            <source><address domain='0x0000' bus='0x00' slot='0x04' function='0x0'/></source>
          </hostdev>
          <hostdev mode='subsystem' type='pci' managed='yes'>
            <driver name='kvm'/>
            <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
          </hostdev>
        </devices>
      </domain>
      """;

  private Result run(String stdin, String... args) {
    return m.runWith("vfioctl", main -> main.stdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))),
        args);
  }

  @Test
  void checkSaysWhatEachDeviceGetsAndWhyAndFailsWhenTheGuestCouldNotStart() {
    Result r = run(DOMAIN, "domain", "check", "-");
    assertEquals(1, r.code(), r::toString);
    Golden.assertMatches("domain/check-guest1.txt", r.out());
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void withTheHookInstalledUnboundManagedNoDevicesAreFine() {
    m.write("etc/libvirt/hooks/qemu.d/vfioctl", "#!/bin/sh\n");
    Result r = run(DOMAIN, "domain", "check", "-");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("  note         the qemu hook detaches it when the guest starts\n"), r::toString);
    assertTrue(r.out().endsWith("check: the guest can start\n"), r::toString);
  }

  @Test
  void prepareDetachesTheManagedNoDevicesAndReleaseReturnsThem() {
    Result dry = run(DOMAIN, "--dry-run", "domain", "prepare", "-");
    assertEquals(0, dry.code(), dry::toString);
    assertTrue(dry.out().contains("write /sys/bus/pci/devices/0000:00:02.0/driver_override vfio-pci\n"), dry::toString);
    assertEquals(List.of(), m.kernel.writeLog());

    Result prepare = run(DOMAIN, "domain", "prepare", "-");
    assertEquals(0, prepare.code(), prepare::toString);
    assertEquals("domain prepare: guest1: detached 0000:00:02.0, 0000:00:03.0\n", prepare.out());
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals("edu-vfio-variant", m.driver(EDU));
    assertEquals("virtio-pci", m.driver(VIRTIO), "managed='yes' is libvirt's");
    assertEquals("e1000", m.driver(FN0), "not VFIO: left alone");
    assertEquals(0, run(DOMAIN, "domain", "check", "-").code(), "prepared, the guest can start");
    assertEquals("domain prepare: guest1: nothing to do\n", run(DOMAIN, "domain", "prepare", "-").out());

    Result release = run(DOMAIN, "--json", "domain", "release", "-");
    assertEquals(0, release.code(), release::toString);
    Golden.assertMatches("domain/release-guest1.json", release.out());
    assertEquals("e1000", m.driver(NIC));
    assertNull(m.driver(EDU));
    assertNull(m.detachedFrom(NIC));
    assertEquals("domain release: guest1: nothing to do\n", run(DOMAIN, "domain", "release", "-").out());
  }

  @Test
  void releaseReturnsOnlyWhatPrepareDetached() {
    assertEquals(0, m.run("detach", EDU).code()); // by hand, before the guest
    assertEquals(0, run(DOMAIN, "domain", "prepare", "-").code());
    assertEquals(0, run(DOMAIN, "domain", "release", "-").code());
    assertEquals("e1000", m.driver(NIC));
    assertEquals("edu-vfio-variant", m.driver(EDU), "detached by hand: stays until reattached by hand");
  }

  @Test
  void prepareIsAllOrNothing() {
    m.kernel.failProbe("edu-vfio-variant", EDU, io.vfioctl.sysfs.Errno.EIO);
    Result r = run(DOMAIN, "domain", "prepare", "-");
    assertEquals(1, r.code(), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    assertEquals("e1000", m.driver(NIC));
    assertNull(m.driver(EDU));
    assertTrue(java.nio.file.Files.notExists(root.resolve("run/vfioctl/domains")), "a refused prepare leaves no list");
    assertEquals("domain release: guest1: nothing to do\n", run(DOMAIN, "domain", "release", "-").out());
  }

  @Test
  void aGroupSharedWithADeviceOutsideTheDomainIsAProblemAndPrepareRefusesIt() {
    String fn1 = DOMAIN.replace("bus='0x00' slot='0x02' function='0x0'", "bus='0x01' slot='0x00' function='0x1'");
    Result check = run(fn1, "domain", "check", "-");
    assertEquals(1, check.code(), check::toString);
    assertTrue(check.out().contains("  iommu group  5, not viable\n"), check::toString);
    assertTrue(check.out().contains("  problem      IOMMU group 5 of " + FN1 + " is not viable: " + FN0 + " (e1000) stays"
        + " with a host driver"), check::toString);
    Result prepare = run(fn1, "domain", "prepare", "-");
    assertEquals(1, prepare.code(), prepare::toString);
    assertTrue(prepare.err().startsWith("vfioctl: cannot prepare domain guest1: IOMMU group 5 of " + FN1), prepare::toString);
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void aDeviceInUseOrMissingIsRefusedBeforeAnythingMoves() {
    String missing = DOMAIN.replace("slot='3'", "slot='9'");
    Result r = run(missing, "domain", "prepare", "-");
    assertEquals(1, r.code(), r::toString);
    assertEquals("vfioctl: cannot prepare domain guest1: no such device: 0000:00:09.0\n", r.err());
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void hostileXmlIsOneLineWithItsLineNumberAndChangesNothing() {
    String xxe = "<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
        + "<domain><name>&x;</name></domain>\n";
    for (String action : List.of("check", "prepare", "release")) {
      Result r = run(xxe, "domain", action, "-");
      assertEquals(1, r.code(), r::toString);
      assertEquals(1, r.err().lines().count(), r::toString);
      assertTrue(r.err().startsWith("vfioctl: stdin:2: "), r::toString);
      assertTrue(r.err().endsWith("; nothing was changed\n"), r::toString);
    }
    Result truncated = run(DOMAIN.substring(0, 200), "domain", "check", "-");
    assertTrue(truncated.err().startsWith("vfioctl: stdin:"), truncated::toString);
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void aDomainNameNeverForgesALine() {
    String evil = DOMAIN.replace("<name>guest1</name>", "<name>evil&#10;vfioctl: forged&#155;2J</name>")
        .replace("slot='3'", "slot='9'");
    Result r = run(evil, "domain", "prepare", "-");
    assertEquals(1, r.code(), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    assertTrue(!r.err().contains("\u009b"), r::toString);
    Result check = run(evil, "domain", "check", "-");
    assertTrue(check.out().startsWith("domain evil\\x0avfioctl: forged"), check::toString);
    assertTrue(!check.out().contains("\u009b"), check::toString);
  }

  @Test
  void longNamesWithoutUuidGetTheirOwnList() {
    String a = "<domain><name>" + "x".repeat(150) + "a</name><devices><hostdev mode='subsystem' type='pci' managed='no'>"
        + "<source><address domain='0' bus='0' slot='2' function='0'/></source></hostdev></devices></domain>";
    String b = a.replace("a</name>", "b</name>");
    assertEquals(0, run(a, "domain", "prepare", "-").code());
    assertEquals("domain release: " + ("x".repeat(64)) + "…: nothing to do\n", run(b, "domain", "release", "-").out());
    assertEquals("vfio-pci", m.driver(NIC));
    assertEquals(0, run(a, "domain", "release", "-").code());
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void aFileIsReadAndAMissingOneNamed() throws Exception {
    java.nio.file.Path file = root.resolve("guest1.xml");
    java.nio.file.Files.writeString(file, DOMAIN);
    assertEquals(1, m.run("domain", "check", file.toString()).code());
    assertTrue(m.run("domain", "check", file.toString()).out().startsWith("domain guest1"));
    Result missing = m.run("domain", "check", root.resolve("nope.xml").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().startsWith("vfioctl: cannot read " + root.resolve("nope.xml")), missing::toString);
    assertEquals("vfioctl: domain takes check, prepare or release, not start\n", m.run("domain", "start", "-").err());
  }

  @Test
  void checkNotesWhereLibvirtDecidesOtherwise() {
    String managedEdu = """
        <domain><name>g</name><devices>
          <hostdev mode='subsystem' type='pci' managed='yes'>
            <source><address domain='0' bus='0' slot='3' function='0'/></source>
          </hostdev>
        </devices></domain>
        """;
    String out = run(managedEdu, "domain", "check", "-").out();
    assertTrue(out.contains("  note         libvirt 9 binds vfio-pci to managed='yes' devices, not edu_vfio_pci;"), out);
  }

  /**
   * libvirt 11.3 (seen in test/vm/trixie's libvirt batch) lists a managed='no' device as detached by
   * hand when its guest stops, after which the hook returns it; a managed='yes' guest with that
   * device later is not returned at its stop, until the daemon restarts.
   */
  @Test
  void checkNotesADeviceLibvirtStillCountsAsDetachedByHand() throws Exception {
    String unmanaged = "<domain><name>first</name><devices><hostdev mode='subsystem' type='pci' managed='no'>"
        + "<source><address domain='0' bus='0' slot='2' function='0'/></source></hostdev></devices></domain>";
    String managed = unmanaged.replace("first", "second").replace("managed='no'", "managed='yes'");
    String note = "  note         libvirt still counts it as detached by hand since domain first (managed='no') stopped:"
        + " it will leave it on vfio-pci when this guest stops; restart libvirtd (or virtqemud) before starting this guest";
    java.nio.file.Path pid = m.host().files().resolve("/run/libvirtd.pid");
    java.nio.file.Files.createDirectories(pid.getParent());
    java.nio.file.Files.writeString(pid, "42\n");
    java.nio.file.Files.setLastModifiedTime(pid, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    assertTrue(!run(managed, "domain", "check", "-").out().contains("still counts"));
    assertEquals(0, run(unmanaged, "domain", "prepare", "-").code());
    assertTrue(!run(managed, "domain", "check", "-").out().contains("still counts"), "not before release");
    assertEquals(0, run(unmanaged, "domain", "release", "-").code());
    assertEquals("e1000", m.driver(NIC));
    String out = run(managed, "domain", "check", "-").out();
    assertTrue(out.contains(note), out);
    // the daemon restarted since: its list is empty again
    java.nio.file.Files.setLastModifiedTime(pid, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
        + 60_000));
    assertTrue(!run(managed, "domain", "check", "-").out().contains("still counts"));
    // no daemon running: nothing to say
    java.nio.file.Files.delete(pid);
    assertTrue(!run(managed, "domain", "check", "-").out().contains("still counts"));
  }

  @Test
  void jsonCheckHasEveryField() {
    String out = run(DOMAIN, "--json", "domain", "check", "-").out();
    for (String field : List.of("\"domain\": \"guest1\"", "\"ok\": false", "\"address\": \"0000:00:03.0\"",
        "\"source\": \"hostdev\"", "\"managed\": false", "\"backend\": \"default\"", "\"model\": \"vfio-pci\"",
        "\"metadata_driver\": null", "\"driver\": \"edu_vfio_pci\"", "\"current_driver\": \"virtio-pci\"",
        "\"vfio_bound\": false", "\"iommu_group\": 3", "\"group_viable\": true", "\"action\": \"detach to vfio-pci\"", "\"problems\": [",
        "\"notes\": []", "\"backend\": \"kvm\"", "\"driver\": null")) {
      assertTrue(out.contains(field), field + " in\n" + out);
    }
  }

  /** The hook reads nothing for the calls it ignores: libvirt ignores the EPIPE. */
  static final InputStream UNREADABLE = new InputStream() {
    @Override
    public int read() {
      throw new AssertionError("stdin read");
    }
  };

  @Test
  void theHookLeavesEveryOtherCallAloneAndPrintsNothing() {
    for (String[] call : List.of(new String[] {"start", "begin", "-"}, new String[] {"started", "begin", "-"},
        new String[] {"stopped", "end", "-"}, new String[] {"migrate", "begin", "-"}, new String[] {"restore", "begin", "-"},
        new String[] {"reconnect", "begin", "-"}, new String[] {"attach", "begin", "-"},
        new String[] {"prepare", "end", "-"}, new String[] {"release", "begin", "-"})) {
      Result r = m.runWith("vfioctl", main -> main.stdin(UNREADABLE), "libvirt-hook", "guest1", call[0], call[1], call[2]);
      assertEquals(0, r.code(), r::toString);
      assertEquals("", r.out() + r.err(), String.join(" ", call));
    }
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void theHookPreparesAtPrepareBeginAndReleasesAtReleaseEndWithNothingOnStdout() {
    Result prepare = run(DOMAIN, "libvirt-hook", "guest1", "prepare", "begin", "-");
    assertEquals(0, prepare.code(), prepare::toString);
    assertEquals("", prepare.out());
    assertEquals("vfio-pci", m.driver(NIC));
    Result release = run(DOMAIN, "libvirt-hook", "guest1", "release", "end", "shutdown");
    assertEquals(0, release.code(), release::toString);
    assertEquals("", release.out());
    assertEquals("e1000", m.driver(NIC));
  }

  @Test
  void aDomainNamedLikeAnOptionReachesTheHookAfterDashDash() {
    Result r = run(DOMAIN, "libvirt-hook", "--", "--guest", "prepare", "begin", "-");
    assertEquals(0, r.code(), r::toString);
    assertEquals("vfio-pci", m.driver(NIC));
  }

  @Test
  void aGuestWithNothingToDetachNeverWaitsForTheLock() throws Exception {
    java.nio.file.Files.createDirectories(m.root.resolve("run"));
    try (io.vfioctl.host.GlobalLock held = io.vfioctl.host.GlobalLock.acquire(m.root.resolve("run/vfioctl.lock"))) {
      Thread other = new Thread(() -> {
        Result r = run("<domain><name>plain</name><devices/></domain>", "--timeout", "1", "libvirt-hook", "--", "plain",
            "prepare", "begin", "-");
        results.add(r);
      });
      other.start();
      other.join(20_000);
      Result r = results.get(0);
      assertEquals(0, r.code(), r::toString);
      Result release = run(DOMAIN, "--timeout", "1", "libvirt-hook", "guest1", "release", "end", "-");
      assertEquals(0, release.code(), release::toString);
      assertEquals("", release.err(), "nothing was prepared: nothing to wait for");
    }
  }

  private final List<Result> results = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Test
  void aListThatCannotBeReadStopsPrepareBeforeAnythingMoves() {
    m.write("run/vfioctl/domains/6f6f0a5e-1c4d-4bd5-9a5b-3c1f0e6a8b01", "garbage\n");
    Result r = run(DOMAIN, "domain", "prepare", "-");
    assertEquals(1, r.code(), r::toString);
    assertTrue(r.err().startsWith("vfioctl: cannot read /run/vfioctl/domains/6f6f0a5e-1c4d-4bd5-9a5b-3c1f0e6a8b01: "),
        r::toString);
    assertEquals(List.of(), m.kernel.writeLog());
  }

  @Test
  void releaseLeavesADeviceTakenOverSince() {
    assertEquals(0, run(DOMAIN, "domain", "prepare", "-").code());
    assertEquals(0, m.run("--nosave", "set-override", NIC, "vfio-pci").code()); // taken over by hand
    Result r = run(DOMAIN, "domain", "release", "-");
    assertEquals(0, r.code(), r::toString);
    assertEquals("domain release: guest1: reattached 0000:00:03.0\n", r.out());
    assertEquals("vfio-pci", m.driver(NIC));
  }

  @Test
  void aFailedPrepareStopsTheGuestWithOneLineAndAFailedReleaseNeverFailsTheShutdown() {
    m.kernel.failProbe("edu-vfio-variant", EDU, io.vfioctl.sysfs.Errno.EIO);
    Result prepare = run(DOMAIN, "libvirt-hook", "guest1", "prepare", "begin", "-");
    assertEquals(1, prepare.code(), prepare::toString);
    assertEquals(1, prepare.err().lines().count(), prepare::toString);
    assertEquals("", prepare.out());
    m.kernel.clearFaults();
    assertEquals(0, run(DOMAIN, "libvirt-hook", "guest1", "prepare", "begin", "-").code());
    m.kernel.failWrites("/sys/bus/pci/drivers/e1000/bind", io.vfioctl.sysfs.Errno.EIO);
    Result release = run(DOMAIN, "libvirt-hook", "guest1", "release", "end", "-");
    assertEquals(0, release.code(), release::toString);
    assertTrue(release.err().startsWith("vfioctl: warning: releasing the devices of domain guest1 failed: "),
        release::toString);
    Result garbage = run("not xml", "libvirt-hook", "guest1", "release", "end", "-");
    assertEquals(0, garbage.code(), garbage::toString);
  }

  @Test
  void aDevicePreparedForOneGuestIsRefusedToAnotherAndItsReleaseReturnsNothing() throws Exception {
    String other = DOMAIN.replace("<name>guest1</name>", "<name>guest2</name>")
        .replace("6f6f0a5e-1c4d-4bd5-9a5b-3c1f0e6a8b01", "6f6f0a5e-1c4d-4bd5-9a5b-3c1f0e6a8b02");
    assertEquals(0, run(DOMAIN, "domain", "prepare", "-").code());
    Result refused = run(other, "domain", "prepare", "-");
    assertEquals(1, refused.code(), refused::toString);
    assertEquals("vfioctl: cannot prepare domain guest2: 0000:00:02.0 is prepared for domain guest1"
        + " (/run/vfioctl/domains/6f6f0a5e-1c4d-4bd5-9a5b-3c1f0e6a8b01); shut that guest down first, or give the"
        + " device to one guest only\n", refused.err());
    assertEquals("domain release: guest2: nothing to do\n", run(other, "domain", "release", "-").out());
    assertEquals("vfio-pci", m.driver(NIC), "guest1 keeps its device");
    assertEquals("edu-vfio-variant", m.driver(EDU));
    assertEquals("domain release: guest1: reattached 0000:00:02.0, 0000:00:03.0\n",
        run(DOMAIN, "domain", "release", "-").out());
    assertEquals(0, run(other, "domain", "prepare", "-").code(), "free again, guest2 may have them");
  }

  @Test
  void twoGuestsPreparedAtOnceNeverBothGetADevice() throws Exception {
    String other = DOMAIN.replace("<name>guest1</name>", "<name>guest2</name>")
        .replace("6f6f0a5e-1c4d-4bd5-9a5b-3c1f0e6a8b01", "6f6f0a5e-1c4d-4bd5-9a5b-3c1f0e6a8b02");
    for (int round = 0; round < 5; round++) {
      m.kernel.slowWrites(2);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      var first = pool.submit(() -> run(DOMAIN, "domain", "prepare", "-"));
      var second = pool.submit(() -> run(other, "domain", "prepare", "-"));
      List<Result> results = List.of(first.get(), second.get());
      pool.shutdown();
      assertEquals(1, results.stream().filter(r -> r.code() == 0).count(), results::toString);
      assertTrue(results.stream().anyMatch(r -> r.err().contains("is prepared for domain guest")), results::toString);
      // The guest that never started releases nothing; the other returns its devices.
      Result loser = results.get(0).code() == 0 ? run(other, "domain", "release", "-") : run(DOMAIN, "domain", "release", "-");
      assertTrue(loser.out().endsWith("nothing to do\n"), loser::toString);
      assertEquals("vfio-pci", m.driver(NIC));
      Result winner = results.get(0).code() == 0 ? run(DOMAIN, "domain", "release", "-") : run(other, "domain", "release", "-");
      assertTrue(winner.out().contains("reattached 0000:00:02.0, 0000:00:03.0"), winner::toString);
      assertEquals("e1000", m.driver(NIC));
    }
  }

  @Test
  void theHookShowsWhatAGuestsStartWouldDoWithDryRun() {
    Result r = run(DOMAIN, "--dry-run", "libvirt-hook", "guest1", "prepare", "begin", "-");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("write /sys/bus/pci/devices/0000:00:02.0/driver_override vfio-pci\n"), r::toString);
    assertTrue(r.out().contains("write /run/vfioctl/detached/pci-0000:00:03.0 driver= override=\n"), r::toString);
    assertEquals(List.of(), m.kernel.writeLog());
    assertTrue(java.nio.file.Files.notExists(root.resolve("run/vfioctl")), "a dry run leaves nothing");
  }

  @Test
  void aJsonDryRunIsOneDocumentWithThePlanInIt() {
    Result r = run(DOMAIN, "--json", "--dry-run", "domain", "prepare", "-");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().startsWith("{") && r.out().strip().endsWith("}"), r::toString);
    assertEquals(1, r.out().lines().filter(l -> l.startsWith("{")).count(), r::toString);
    assertTrue(r.out().contains("\"plan\": [") && r.out().contains(
        "\"write /sys/bus/pci/devices/0000:00:02.0/driver_override vfio-pci\""), r::toString);
    assertEquals(List.of(), m.kernel.writeLog());
  }
}
