package io.vfioctl.cli;

import static io.vfioctl.testing.TestMachine.NIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vfioctl.testing.MachineTest;
import io.vfioctl.testing.TestMachine.Result;
import java.nio.file.Files;

/** Base of the binding rules' command tests: rule files, the ownership record, an interface that is up. */
abstract class RulesMachineTest extends MachineTest {
  static final String BIND_D = "etc/vfioctl/bind.d/";

  void rule(String name, String match, String bind) {
    m.write(BIND_D + name, "[Match]\n" + match + "\n[Bind]\n" + bind + "\n");
  }

  Result ok(String... args) {
    Result r = m.run(args);
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  String owned() throws Exception {
    var f = root.resolve("run/vfioctl/rules/owned");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  /** The NIC's interface eth0 is up with a route: the NIC is in use. */
  void eth0Up() {
    m.kernel.addLink("/sys/class/net/eth0", "../../devices/pci0000:00/" + NIC + "/net/eth0")
        .addFile("/sys/class/net/eth0/flags", "0x1003");
    m.write("proc/net/route", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        + "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
  }
}
