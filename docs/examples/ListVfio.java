import io.vfioctl.api.DeviceStatus;
import io.vfioctl.api.Domain;
import io.vfioctl.api.HandoverCheck;
import io.vfioctl.api.HostdevCheck;
import io.vfioctl.api.Problem;
import io.vfioctl.api.Vfioctl;
import io.vfioctl.api.VfioctlException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lists the PCI devices below ROOT (default /) with each one's driver and best-fit VFIO driver;
 * with a domain XML, checks it as 'vfioctl domain check' does. Reads only.
 *
 *   java -cp target/vfioctl.jar docs/examples/ListVfio.java [ROOT [DOMAIN.xml]]
 *
 * It uses only the API module's exported package, io.vfioctl.api, so it also compiles as a module's client:
 *
 *   javac --module-path target/vfioctl.jar --add-modules io.vfioctl -d /tmp/list-vfio docs/examples/ListVfio.java
 */
public class ListVfio {
  public static void main(String[] args) throws Exception {
    Vfioctl vfio = Vfioctl.at(Path.of(args.length > 0 ? args[0] : "/"));
    for (DeviceStatus d : vfio.devices()) {
      String best;
      try {
        best = vfio.bestVfioDriver(d.address()).best().driver();
      } catch (VfioctlException e) {
        best = "(unknown: " + e.getMessage() + ")";
      }
      System.out.println(d.address() + " " + d.driver().orElse("(none)") + (d.vfioBound() ? " (VFIO)" : "")
          + ", best VFIO driver " + best);
    }
    if (args.length > 1) {
      Domain domain = Vfioctl.parseDomain(Files.readAllBytes(Path.of(args[1])), args[1]);
      HandoverCheck report = vfio.check(domain);
      for (HostdevCheck h : report.hostdevs()) {
        System.out.println(h.hostdev().address() + ": " + h.action() + " "
            + h.problems().stream().map(Problem::text).toList());
      }
      System.out.println(report.ok() ? "the guest can start" : "the guest would not start");
    }
  }
}
