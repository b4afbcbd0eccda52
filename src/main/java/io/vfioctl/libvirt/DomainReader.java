package io.vfioctl.libvirt;

import io.vfioctl.core.InvalidNameException;
import io.vfioctl.core.Names;
import io.vfioctl.core.PciAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Walks one domain document and collects its PCI host devices and vfioctl's metadata. */
final class DomainReader {
  private final XmlCursor xml;
  private String name;
  private String uuid;
  private boolean metadataSeen;
  private final List<Hostdev> hostdevs = new ArrayList<>();
  private final Map<Long, DriverChoice> choices = new LinkedHashMap<>();

  DomainReader(XmlCursor xml) {
    this.xml = xml;
  }

  Domain read() throws DomainXmlException {
    if (!"domain".equals(xml.root()) || !xml.is("domain")) {
      throw xml.error(xml.line(), "the root element is not <domain>");
    }
    while (xml.nextChild()) {
      if (xml.is("name") && name == null) {
        name = xml.text();
      } else if (xml.is("uuid") && uuid == null) {
        uuid = uuid(xml.line(), xml.text());
      } else if (xml.is("devices")) {
        readDevices();
      } else if (xml.is("metadata") && !metadataSeen) {
        metadataSeen = true;
        readMetadata();
      } else {
        xml.skipElement();
      }
    }
    int end = xml.line();
    xml.requireEnd();
    if (name == null || name.isEmpty()) {
      throw xml.error(end, "<domain> has no <name>");
    }
    return join();
  }

  private Domain join() throws DomainXmlException {
    Map<Long, Hostdev> seen = new HashMap<>();
    List<Hostdev> joined = new ArrayList<>();
    Map<Long, DriverChoice> unused = new LinkedHashMap<>(choices);
    for (Hostdev h : hostdevs) {
      Hostdev earlier = seen.putIfAbsent(key(h.address()), h);
      if (earlier != null) {
        throw xml.error(h.line(), h.address() + " is given to this domain twice (also on line " + earlier.line() + ")");
      }
      DriverChoice choice = unused.remove(key(h.address()));
      joined.add(choice == null ? h : h.withMetadataDriver(choice.driver()));
    }
    return new Domain(name, Optional.ofNullable(uuid), joined, List.copyOf(unused.values()));
  }

  /** A map key for an address; PciAddress's record hashCode would bootstrap invokedynamic at start-up. */
  private static Long key(PciAddress a) {
    return ((long) a.domain() << 16) | (a.bus() << 8) | (a.slot() << 3) | a.function();
  }

  private void readDevices() throws DomainXmlException {
    while (xml.nextChild()) {
      if (xml.is("hostdev")) {
        readHostdev();
      } else if (xml.is("interface") && "hostdev".equals(xml.attribute("type"))) {
        readHostdevInterface();
      } else {
        xml.skipElement();
      }
    }
  }

  /** {@code <hostdev>}: libvirt takes an absent {@code mode} as {@code subsystem}. */
  private void readHostdev() throws DomainXmlException {
    String mode = xml.attribute("mode");
    if (mode != null && !mode.equals("subsystem") || !"pci".equals(xml.attribute("type"))) {
      xml.skipElement();
      return;
    }
    if (xml.hasAttribute("model")) {
      throw xml.error(xml.line(), "<hostdev type='pci'> has a model, which libvirt takes only for mediated devices"
          + " and refuses here; the driver's model goes in <driver model='…'/>");
    }
    readDevice(Hostdev.Source.HOSTDEV, "<hostdev type='pci'> has no <source><address …/>");
  }

  /** {@code <interface type='hostdev'>}: an SR-IOV function; its address must say type='pci'. */
  private void readHostdevInterface() throws DomainXmlException {
    readDevice(Hostdev.Source.INTERFACE, "<interface type='hostdev'> has no <source><address type='pci' …/>");
  }

  /** The current device element: managed, its source address and its driver. */
  private void readDevice(Hostdev.Source source, String noAddress) throws DomainXmlException {
    int line = xml.line();
    boolean managed = managed(line);
    PciAddress address = null;
    Driver driver = Driver.NONE;
    boolean driverSeen = false;
    boolean sourceSeen = false;
    boolean guestAddressSeen = false;
    while (xml.nextChild()) {
      if (xml.is("source") && !sourceSeen) {
        sourceSeen = true; // libvirt reads the first <source> only
        address = source(source == Hostdev.Source.INTERFACE);
      } else if (xml.is("address") && !guestAddressSeen) {
        guestAddressSeen = true;
        if (xml.attribute("type") == null) {
          throw xml.error(xml.line(), "the guest <address> of this device has no type, which libvirt refuses;"
              + " add type='pci' (or remove it and let libvirt choose)");
        }
        xml.skipElement();
      } else if (xml.is("driver") && !driverSeen) {
        driverSeen = true; // libvirt reads the first <driver>, as it reads the first <source>
        driver = driver();
      } else {
        xml.skipElement();
      }
    }
    if (address == null) {
      throw xml.error(line, noAddress);
    }
    hostdevs.add(new Hostdev(address, managed, driver.backend, driver.model, Optional.empty(), source, line));
  }

  /**
   * libvirt sets managed only for {@code yes} and leaves it off otherwise (absent included). A
   * value other than yes or no, which libvirt silently reads as no, is refused here: it is a typo.
   */
  private boolean managed(int line) throws DomainXmlException {
    String managed = xml.attribute("managed");
    if (managed == null || managed.equals("no")) {
      return false;
    }
    if (managed.equals("yes")) {
      return true;
    }
    throw xml.error(line, "managed='" + Names.printable(managed) + "' is neither yes nor no");
  }

  /**
   * The host address in the current {@code <source>}, the first one libvirt reads; moves past it.
   * A source without an address is 0000:00:00.0 to libvirt: refused. So are the attributes its
   * parser or schema refuses on a PCI host device's source.
   */
  private PciAddress source(boolean typeRequired) throws DomainXmlException {
    int line = xml.line();
    for (String refused : SOURCE_REFUSED) {
      if (xml.hasAttribute(refused)) {
        throw xml.error(line, "<source " + refused + "=…> is refused by libvirt on a PCI host device; remove it");
      }
    }
    PciAddress address = sourceAddress(typeRequired);
    if (address == null) {
      throw xml.error(line, "the first <source> has no <address …/>, which libvirt reads as 0000:00:00.0;"
          + " give it the device's address");
    }
    return address;
  }

  private static final String[] SOURCE_REFUSED = {"startupPolicy", "writeFiltering"};

  /** The first {@code <address>} inside the current {@code <source>}; moves past the source. */
  private PciAddress sourceAddress(boolean typeRequired) throws DomainXmlException {
    PciAddress address = null;
    while (xml.nextChild()) {
      if (xml.is("address") && address == null) {
        String type = xml.attribute("type");
        if (typeRequired ? !"pci".equals(type) : type != null && !type.equals("pci")) {
          throw xml.error(xml.line(), "the <source> address is not type='pci'");
        }
        if (xml.hasAttribute("multifunction")) {
          throw xml.error(xml.line(), "the <source> address has multifunction=…, which libvirt refuses on a host"
              + " address (it belongs to the guest <address>); remove it");
        }
        address = pciAddress();
      }
      xml.skipElement();
    }
    return address;
  }

  /** {@code domain}, {@code bus}, {@code slot} and {@code function}, each 0 when absent as in libvirt. */
  private PciAddress pciAddress() throws DomainXmlException {
    int line = xml.line();
    long domain = number(line, "domain", 0xffff);
    long bus = number(line, "bus", 0xff);
    long slot = number(line, "slot", 0x1f);
    long function = number(line, "function", 7);
    return new PciAddress((int) domain, (int) bus, (int) slot, (int) function);
  }

  private long number(int line, String attribute, long max) throws DomainXmlException {
    String text = xml.attribute(attribute);
    if (text == null) {
      return 0;
    }
    OptionalLong value = LibvirtNumber.parse(text);
    if (value.isEmpty()) {
      throw xml.error(line, "<address> " + attribute + "='" + Names.printable(text)
          + "' is not a number as libvirt reads it (0x… hex, 0… octal, else decimal)");
    }
    if (value.getAsLong() > max) {
      String limit = attribute.equals("domain") ? " (vfioctl handles 16-bit PCI domains)" : "";
      throw xml.error(line, "<address> " + attribute + "='" + Names.printable(text) + "' is above "
          + (max < 8 ? Long.toString(max) : "0x" + Long.toHexString(max)) + limit);
    }
    return value.getAsLong();
  }

  private record Driver(Hostdev.Backend backend, Optional<String> model) {
    static final Driver NONE = new Driver(Hostdev.Backend.DEFAULT, Optional.empty());
  }

  /** {@code <driver name='vfio|kvm|xen' model='…'/>}; libvirt refuses any other name, 'default' too. */
  private Driver driver() throws DomainXmlException {
    int line = xml.line();
    String name = xml.attribute("name");
    String model = xml.attribute("model");
    xml.skipElement();
    Hostdev.Backend backend = Hostdev.Backend.DEFAULT;
    if (name != null) {
      switch (name) {
        case "vfio" -> backend = Hostdev.Backend.VFIO;
        case "kvm" -> backend = Hostdev.Backend.KVM;
        case "xen" -> backend = Hostdev.Backend.XEN;
        default -> throw xml.error(line, "<driver name='" + Names.printable(name) + "'> is not vfio, kvm or xen");
      }
    }
    return new Driver(backend, model == null ? Optional.empty() : Optional.of(driverName(line, model, "model")));
  }

  private String driverName(int line, String value, String what) throws DomainXmlException {
    try {
      return Names.requireComponent(value, "driver");
    } catch (InvalidNameException e) {
      throw xml.error(line, what + ": " + e.getMessage());
    }
  }

  /**
   * {@code <metadata>}: libvirt keeps only the first child element of each namespace (and drops
   * children without one), so a second {@code hostdevs} element would be lost: it is refused.
   */
  private void readMetadata() throws DomainXmlException {
    boolean hostdevsSeen = false;
    while (xml.nextChild()) {
      if (!xml.isIn(DomainXml.NAMESPACE, "hostdevs")) {
        if (xml.inNamespace(DomainXml.NAMESPACE)) {
          throw xml.error(xml.line(), "unknown vfioctl metadata element <" + Names.printable(xml.localName()) + ">");
        }
        xml.skipElement();
      } else if (hostdevsSeen) {
        throw xml.error(xml.line(), "a second vfioctl <hostdevs> in <metadata>: libvirt keeps only the first");
      } else {
        hostdevsSeen = true;
        readChoices();
      }
    }
  }

  private void readChoices() throws DomainXmlException {
    while (xml.nextChild()) {
      int line = xml.line();
      if (!xml.isIn(DomainXml.NAMESPACE, "hostdev")) {
        throw xml.error(line, "unexpected <" + Names.printable(xml.localName()) + "> in vfioctl <hostdevs>");
      }
      String addressText = xml.attribute("address");
      String driverText = xml.attribute("driver");
      xml.skipElement();
      if (addressText == null || driverText == null) {
        throw xml.error(line, "vfioctl <hostdev> needs both address='DDDD:BB:DD.F' and driver='…'");
      }
      PciAddress address;
      try {
        address = PciAddress.parse(addressText);
      } catch (InvalidNameException e) {
        throw xml.error(line, e.getMessage());
      }
      DriverChoice choice = new DriverChoice(address, driverName(line, driverText, "driver"), line);
      DriverChoice earlier = choices.putIfAbsent(key(address), choice);
      if (earlier != null) {
        throw xml.error(line, "a second vfioctl choice for " + address + " (first on line " + earlier.line() + ")");
      }
    }
  }

  /**
   * A UUID as libvirt's virUUIDParse takes it: 32 hex digits, dashes anywhere between pairs of
   * them; kept in the canonical lower-case 8-4-4-4-12 form. (No regex: it costs start-up time.)
   */
  private String uuid(int line, String text) throws DomainXmlException {
    String trimmed = text.strip();
    StringBuilder uuid = new StringBuilder(36);
    int digits = 0;
    int i = 0;
    for (; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      int digit = c < 0x80 ? Character.digit(c, 16) : -1;
      boolean dashBetweenPairs = c == '-' && digits > 0 && digits < 32 && digits % 2 == 0;
      if (digit >= 0 && digits < 32) {
        if (digits == 8 || digits == 12 || digits == 16 || digits == 20) {
          uuid.append('-');
        }
        uuid.append(Character.forDigit(digit, 16));
        digits++;
      } else if (!dashBetweenPairs) {
        break;
      }
    }
    if (digits != 32 || i != trimmed.length()) {
      throw xml.error(line, "<uuid> " + Names.printable(trimmed) + " is not a UUID");
    }
    return uuid.toString();
  }

}
