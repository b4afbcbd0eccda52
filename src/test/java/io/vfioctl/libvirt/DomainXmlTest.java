package io.vfioctl.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vfioctl.core.PciAddress;
import io.vfioctl.libvirt.Hostdev.Backend;
import io.vfioctl.libvirt.Hostdev.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DomainXmlTest {
  private static final String NS = DomainXml.NAMESPACE;
  private static final Pattern ONE_LINE = Pattern.compile("test\\.xml:([1-9][0-9]*): [^\\n\\r]+");

  @Test
  void readsEveryPciHostdevWithManagedBackendModelAndMetadataChoice() throws Exception {
    Domain d = parseResource("many-hostdevs.xml");
    assertEquals("gpu-worker", d.name());
    assertEquals(Optional.of("5c0a1d7e-3b49-4e2a-9f1d-6a0c2b8e4f11"), d.uuid());
    assertEquals(List.of(
        new Hostdev(addr("0000:03:00.0"), true, Backend.VFIO, Optional.of("mlx5_vfio_pci"),
            Optional.of("mlx5_vfio_pci"), Source.HOSTDEV, 27),
        new Hostdev(addr("0000:65:00.0"), false, Backend.DEFAULT, Optional.empty(), Optional.empty(),
            Source.HOSTDEV, 34),
        new Hostdev(addr("0000:3b:1f.7"), false, Backend.VFIO, Optional.empty(), Optional.empty(),
            Source.HOSTDEV, 39),
        new Hostdev(addr("0000:05:00.0"), true, Backend.KVM, Optional.empty(), Optional.empty(),
            Source.HOSTDEV, 51),
        new Hostdev(addr("0000:06:00.0"), true, Backend.XEN, Optional.empty(), Optional.empty(),
            Source.HOSTDEV, 57),
        new Hostdev(addr("0000:65:00.1"), true, Backend.VFIO, Optional.empty(), Optional.of("vfio-pci"),
            Source.INTERFACE, 68)), d.hostdevs());
    assertEquals(List.of(new DriverChoice(addr("0000:99:00.0"), "vfio-pci", 11)), d.strayChoices());
  }

  @Test
  void takesUuidsWithOrWithoutDashesAsLibvirtDoes() throws Exception {
    for (String uuid : List.of(" 5c0a1d7e3b494e2a9f1d6a0c2b8e4f11\n", "5c0a-1d7e-3b49-4e2a-9f1d-6a0c-2b8e-4f11")) {
      assertEquals(Optional.of("5c0a1d7e-3b49-4e2a-9f1d-6a0c2b8e4f11"),
          parse("<domain><name>x</name><uuid>" + uuid + "</uuid></domain>").uuid());
    }
  }

  @Test
  void kvmAndXenAreKeptButAreNotVfio() throws Exception {
    List<Hostdev> h = parseResource("many-hostdevs.xml").hostdevs();
    assertEquals(List.of(true, true, true, false, false, true), h.stream().map(Hostdev::isVfio).toList());
  }

  @Test
  void matchesMetadataByNamespaceUriNotByPrefix() throws Exception {
    Domain d = parseResource("default-namespace-prefix.xml");
    assertEquals("nic-passthrough", d.name());
    assertEquals(Optional.empty(), d.uuid());
    assertEquals(List.of(
        new Hostdev(addr("0000:17:00.2"), false, Backend.DEFAULT, Optional.empty(), Optional.of("ice_vfio_pci"),
            Source.INTERFACE, 14),
        new Hostdev(addr("0000:17:00.3"), false, Backend.VFIO, Optional.of("ice_vfio_pci"), Optional.empty(),
            Source.INTERFACE, 19)), d.hostdevs());
    assertEquals(List.of(), d.strayChoices());

    Domain odd = parse(domain("<metadata><ns0:hostdevs xmlns:ns0='" + NS + "'>"
        + "<ns0:hostdev address='0000:03:00.0' driver='vfio-pci'/></ns0:hostdevs></metadata>",
        hostdev("managed='yes'", "bus='3'")));
    assertEquals(Optional.of("vfio-pci"), odd.hostdevs().get(0).metadataDriver());
  }

  @Test
  void ignoresChildrenOfMetadataThatLibvirtWouldDropOrThatAreNotOurs() throws Exception {
    Domain d = parse(domain("<metadata><hostdevs><hostdev address='0000:03:00.0' driver='x'/></hostdevs>"
        + "<o:hostdevs xmlns:o='https://example.org/o'><o:hostdev address='0000:03:00.0' driver='y'/></o:hostdevs>"
        + "</metadata>", hostdev("", "bus='3'")));
    assertEquals(Optional.empty(), d.hostdevs().get(0).metadataDriver());
  }

  @Test
  void readsNumbersAsLibvirtDoesHexOctalDecimalLeadingSpaceAndPlus() throws Exception {
    assertEquals(addr("0000:10:08.0"), onlyAddress("domain='0' bus='0x10' slot='010' function='0'"));
    assertEquals(addr("000a:ff:1f.7"), onlyAddress("domain='10' bus='255' slot='0X1F' function='07'"));
    assertEquals(addr("0000:03:01.0"), onlyAddress("bus=' +3' slot='+0x1'"));
    assertEquals(addr("ffff:00:00.0"), onlyAddress("domain='0xffff'"));
  }

  @Test
  void absentAddressAttributesAreZeroAsInLibvirt() throws Exception {
    assertEquals(addr("0000:00:02.0"), onlyAddress("slot='2'"));
  }

  @Test
  void refusesNumbersLibvirtRefusesOrPciCannotHold() {
    assertError(4, "function='9' is above 7", domain("", hostdev("", "bus='3' function='9'")));
    assertError(4, "slot='40' is above 0x1f", domain("", hostdev("", "bus='3' slot='40'")));
    assertError(4, "bus='0x1ff' is above 0xff", domain("", hostdev("", "bus='0x1ff'")));
    assertError(4, "domain='0x10000' is above 0xffff", domain("", hostdev("", "domain='0x10000' bus='1'")));
    for (String bad : List.of("bus='x3'", "bus='three'", "bus=''", "bus='3 '", "bus='-1'", "bus='-0'",
        "bus='0x'", "bus='08'", "bus='1e1'", "bus='0x4294967296'", "bus='\u0663'", "bus='\uff13'")) {
      assertError(4, "is not a number as libvirt reads it", domain("", hostdev("", bad)));
    }
  }

  @Test
  void managedIsNoWhenAbsentAndOnlyYesOrNoAreTaken() throws Exception {
    assertFalse(parse(domain("", hostdev("", "bus='3'"))).hostdevs().get(0).managed());
    assertTrue(parse(domain("", hostdev("managed='yes'", "bus='3'"))).hostdevs().get(0).managed());
    assertFalse(parse(domain("", hostdev("managed='no'", "bus='3'"))).hostdevs().get(0).managed());
    assertError(4, "managed='true' is neither yes nor no", domain("", hostdev("managed='true'", "bus='3'")));
  }

  @Test
  void readsOnlyTheHostAddressNotTheGuestAddress() throws Exception {
    Domain d = parse(domain("", "<hostdev mode='subsystem' type='pci'>\n"
        + "<address type='pci' domain='0' bus='9' slot='1' function='0'/>\n"
        + "<source><address bus='4'/></source></hostdev>"));
    assertEquals(addr("0000:04:00.0"), d.hostdevs().get(0).address());
  }

  @Test
  void passesOverOtherHostdevsAndDevices() throws Exception {
    Domain d = parse(domain("", "<hostdev mode='capabilities' type='storage'><source><block>/dev/sdf1</block></source></hostdev>\n"
        + "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev>\n"
        + "<hostdev type='pci'><source><address bus='7'/></source></hostdev>"));
    assertEquals(List.of(addr("0000:07:00.0")), d.hostdevs().stream().map(Hostdev::address).toList());
  }

  @Test
  void refusesWhatLibvirtRefusesOrLoses() {
    assertError(5, "<driver name='default'> is not vfio, kvm or xen",
        domain("", "<hostdev mode='subsystem' type='pci'>\n<driver name='default'/><source><address bus='1'/></source></hostdev>"));
    assertError(4, "has no <source><address",
        domain("", "<hostdev mode='subsystem' type='pci'><driver name='vfio'/></hostdev>"));
    assertError(5, "not type='pci'",
        domain("", "<interface type='hostdev'>\n<source><address bus='1'/></source></interface>"));
    assertError(5, "is given to this domain twice (also on line 4)",
        domain("", hostdev("", "bus='1'") + "\n" + hostdev("", "bus='0x01'")));
    assertError(3, "a second vfioctl <hostdevs>",
        domain("<metadata><a:hostdevs xmlns:a='" + NS + "'/>\n<b:hostdevs xmlns:b='" + NS + "'/></metadata>", ""));
    assertError(3, "a second vfioctl choice for 0000:01:00.0 (first on line 2)",
        domain("<metadata><a:hostdevs xmlns:a='" + NS + "'><a:hostdev address='0000:01:00.0' driver='vfio-pci'/>\n"
            + "<a:hostdev address='0000:01:00.0' driver='vfio-pci'/></a:hostdevs></metadata>", ""));
    assertError(2, "invalid PCI address",
        domain("<metadata><a:hostdevs xmlns:a='" + NS + "'><a:hostdev address='03:00.0' driver='vfio-pci'/>"
            + "</a:hostdevs></metadata>", ""));
    assertError(2, "invalid driver name",
        domain("<metadata><a:hostdevs xmlns:a='" + NS + "'><a:hostdev address='0000:03:00.0' driver='../../x'/>"
            + "</a:hostdevs></metadata>", ""));
    assertError(2, "unknown vfioctl metadata element <hostdev>",
        domain("<metadata><a:hostdev xmlns:a='" + NS + "' address='0000:03:00.0' driver='vfio-pci'/></metadata>", ""));
    assertError(5, "model: invalid driver name",
        domain("", "<hostdev mode='subsystem' type='pci'>\n<driver model='a b'/><source><address bus='1'/></source></hostdev>"));
    assertError(1, "the root element is not <domain>", "<network><name>x</name></network>");
    assertError(3, "<domain> has no <name>", "<domain type='kvm'>\n<devices/>\n</domain>");
    for (String bad : List.of("not-a-uuid", "5c0a1d7e-3b49-4e2a-9f1d-6a0c2b8e4f1", "5c0a1d7e-3b49-4e2a-9f1d-6a0c2b8e4f111",
        "5c0a1d7-e3b49-4e2a-9f1d-6a0c2b8e4f11", "-5c0a1d7e3b494e2a9f1d6a0c2b8e4f11", "5c0a1d7e3b494e2a9f1d6a0c2b8e4f11-")) {
      assertError(2, "is not a UUID", "<domain>\n<name>x</name><uuid>" + bad + "</uuid></domain>");
    }
  }

  @Test
  void refusesDoctypeWithExternalEntityWithoutReadingIt() {
    String xml = "<?xml version='1.0'?>\n<!DOCTYPE domain [\n<!ENTITY secret SYSTEM 'file:///etc/passwd'>\n]>\n"
        + "<domain><name>&secret;</name></domain>";
    String message = assertError("a DOCTYPE is not allowed", xml);
    assertFalse(message.contains("root:"), message);
  }

  @Test
  void refusesDoctypeWithExternalDtd() {
    assertError("a DOCTYPE is not allowed",
        "<!DOCTYPE domain SYSTEM 'http://127.0.0.1:9/domain.dtd'>\n<domain><name>x</name></domain>");
  }

  @Test
  void refusesBillionLaughs() {
    StringBuilder xml = new StringBuilder("<?xml version='1.0'?>\n<!DOCTYPE lolz [\n<!ENTITY lol 'lol'>\n");
    for (int i = 1; i <= 9; i++) {
      xml.append("<!ENTITY lol").append(i).append(" '");
      xml.append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("'>\n");
    }
    xml.append("]>\n<domain><name>&lol9;</name></domain>");
    assertError("a DOCTYPE is not allowed", xml.toString());
  }

  @Test
  void refusesAnEntityReferenceWithoutDoctype() {
    assertError(2, "", "<domain>\n<name>&undeclared;</name></domain>");
  }

  @Test
  void refusesADocumentOverTheSizeLimitNamingTheLineWhereItIsCrossed() {
    byte[] huge = ("<domain><name>x</name><description>\n" + "a".repeat(DomainXml.MAX_BYTES) + "\n</description></domain>")
        .getBytes(StandardCharsets.US_ASCII);
    assertError(2, "goes past the 16 MiB limit", huge);
  }

  @Test
  void readStopsAtTheLimitInsteadOfReadingEverything() {
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return '\n';
      }
    };
    DomainXmlException e = assertThrows(DomainXmlException.class, () -> DomainXml.read(endless, "test.xml"));
    assertEquals("test.xml:" + (DomainXml.MAX_BYTES + 1) + ": the document goes past the 16 MiB limit here", e.getMessage());
  }

  @Test
  void refusesVeryDeepNesting() {
    String xml = "<domain><name>x</name>\n" + "<a>".repeat(100_000) + "</a>".repeat(100_000) + "</domain>";
    assertError(2, "elements nested deeper than 256", xml);
  }

  @Test
  void refusesTooManyAttributes() {
    StringBuilder attributes = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      attributes.append(" a").append(i).append("='").append(i).append('\'');
    }
    assertError(2, "has more than 256 attributes", "<domain><name>x</name>\n<devices" + attributes + "/></domain>");
  }

  @Test
  void refusesWhatIsNotXml() {
    assertError(1, "", "this is not XML at all\n");
    assertError(1, "", "");
    assertError(1, "", "{\"domain\": {\"name\": \"x\"}}");
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);
    assertError("", garbage);
    assertError("", new byte[] {(byte) 0xfe, (byte) 0xff, 0, '<', 0});
  }

  @Test
  void refusesBytesThatAreNotUtf8NamingTheirLine() {
    byte[] latin1 = "<domain>\n<name>caf\u00e9</name></domain>".getBytes(StandardCharsets.ISO_8859_1);
    assertError(2, "not UTF-8 (byte 0xe9 at offset 18)", latin1);
  }

  @Test
  void takesAUtf8ByteOrderMark() throws Exception {
    byte[] xml = ("\uFEFF<domain><name>caf\u00e9</name></domain>").getBytes(StandardCharsets.UTF_8);
    assertEquals("caf\u00e9", DomainXml.parse(xml, "test.xml").name());
  }

  @Test
  void namesTheElementATruncatedDocumentEndsIn() {
    String message = assertError(6, "the document ends inside <hostdev> (opened on line 4)",
        "<domain>\n<name>x</name>\n<devices>\n<hostdev mode='subsystem' type='pci'>\n<source><address bus='1'/></source>\n");
    assertTrue(message.startsWith("test.xml:6: "), message);
    assertError("", "<domain>\n<name>x</name>\n<devices>\n<hostdev mode='subsystem' ty");
  }

  @Test
  void namesTheLineOfAMismatchedEndTag() {
    assertError(3, "", "<domain>\n<name>x</name>\n<devices></hostdev>\n</domain>");
  }

  @Test
  void theExceptionCarriesNoStackTrace() {
    DomainXmlException e = assertThrows(DomainXmlException.class, () -> parse("<domain"));
    assertEquals(0, e.getStackTrace().length);
  }

  @Test
  void refusesNamespacedAttributesThatLibvirtWouldReadAsItsOwn() {
    String x = "xmlns:x='urn:x' ";
    // libxml2's xmlGetProp takes the first attribute of the name whatever its namespace: libvirt
    // would read bus 3c here, where a namespace-aware reader sees 3b.
    assertError(4, "<address> has x:bus, which libvirt reads as bus", domain("",
        hostdev("", x + "x:bus='0x3c' bus='0x3b'")));
    assertError(4, "<address> has xml:bus", domain("", hostdev("", "xml:bus='0x3c' bus='0x3b'")));
    assertError(4, "<hostdev> has x:type", domain("",
        "<hostdev " + x + "mode='subsystem' x:type='pci'><source><address bus='1'/></source></hostdev>"));
    assertError(4, "<hostdev> has x:managed", domain("", hostdev(x + "x:managed='yes'", "bus='1'")));
    assertError(4, "<driver> has x:name", domain("", "<hostdev mode='subsystem' type='pci'><driver " + x
        + "x:name='kvm'/><source><address bus='1'/></source></hostdev>"));
    assertError(4, "<driver> has x:model", domain("", "<hostdev mode='subsystem' type='pci'><driver " + x
        + "x:model='vfio-pci'/><source><address bus='1'/></source></hostdev>"));
  }

  @Test
  void readsOnlyTheFirstSourceAsLibvirtDoes() {
    assertError(4, "the first <source> has no <address", domain("",
        "<hostdev mode='subsystem' type='pci'><source/><source><address bus='0x3b'/></source></hostdev>"));
    assertError(4, "the first <source> has no <address", domain("",
        "<interface type='hostdev'><source/><source><address type='pci' bus='0x3b'/></source></interface>"));
  }

  @Test
  void refusesHostdevsLibvirtsParserOrSchemaRefuses() {
    assertError(4, "multifunction", domain("", hostdev("", "bus='1' multifunction='on'")));
    assertError(4, "<source writeFiltering=", domain("",
        "<hostdev mode='subsystem' type='pci'><source writeFiltering='yes'><address bus='1'/></source></hostdev>"));
    assertError(4, "<source startupPolicy=", domain("",
        "<hostdev mode='subsystem' type='pci'><source startupPolicy='optional'><address bus='1'/></source></hostdev>"));
    assertError(4, "the guest <address> of this device has no type", domain("",
        "<hostdev mode='subsystem' type='pci'><source><address bus='1'/></source><address bus='0' slot='7'/></hostdev>"));
    assertError(4, "has a model, which libvirt takes only for mediated devices", domain("",
        hostdev("model='vfio-pci'", "bus='1'")));
  }

  @Test
  void refusesXml11LineEndsThatLibxml2WouldKeep() {
    for (String end : List.of("\u0085", "\u2028")) {
      String xml = "<?xml version='1.1'?>\n" + domain("", hostdev("", "bus='" + end + "0x3b'"));
      assertError(5, "an XML 1.1 line end", xml);
    }
  }

  @Test
  void limitsAreVfioctlsOwnWhateverTheJdksDefaults() throws Exception {
    // JDK 25's jaxp.properties caps depth at 100 and attributes at 200; a system property plays it here.
    String depth = System.getProperty("jdk.xml.maxElementDepth");
    String attributes = System.getProperty("jdk.xml.elementAttributeLimit");
    System.setProperty("jdk.xml.maxElementDepth", "100");
    System.setProperty("jdk.xml.elementAttributeLimit", "200");
    try {
      String deep = "<x:m>".repeat(250) + "</x:m>".repeat(250);
      StringBuilder many = new StringBuilder("<x:a");
      for (int i = 0; i < 250; i++) {
        many.append(" a").append(i).append("='1'");
      }
      many.append("/>");
      Domain d = parse(domain("<metadata xmlns:x='urn:m'>" + deep + many + "</metadata>", hostdev("", "bus='1'")));
      assertEquals(1, d.hostdevs().size());
      assertError("elements nested deeper than 256", domain("<metadata xmlns:x='urn:m'>" + "<x:m>".repeat(260)
          + "</x:m>".repeat(260) + "</metadata>", ""));
    } finally {
      restore("jdk.xml.maxElementDepth", depth);
      restore("jdk.xml.elementAttributeLimit", attributes);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  private static PciAddress onlyAddress(String attributes) throws DomainXmlException {
    List<Hostdev> h = parse(domain("", hostdev("", attributes))).hostdevs();
    assertEquals(1, h.size());
    return h.get(0).address();
  }

  /** A domain whose devices start on line 4, with {@code metadata} on line 2. */
  private static String domain(String metadata, String devices) {
    return "<domain type='kvm'><name>t</name>\n" + metadata + "\n<devices>\n" + devices + "\n</devices>\n</domain>\n";
  }

  /** A one-line PCI hostdev. */
  private static String hostdev(String hostdevAttributes, String addressAttributes) {
    return "<hostdev mode='subsystem' type='pci' " + hostdevAttributes + "><source><address "
        + addressAttributes + "/></source></hostdev>";
  }

  private static Domain parse(String xml) throws DomainXmlException {
    return DomainXml.parse(xml.getBytes(StandardCharsets.UTF_8), "test.xml");
  }

  private static String assertError(int line, String part, String xml) {
    return assertError(line, part, xml.getBytes(StandardCharsets.UTF_8));
  }

  private static String assertError(String part, String xml) {
    return assertError(0, part, xml.getBytes(StandardCharsets.UTF_8));
  }

  private static String assertError(String part, byte[] xml) {
    return assertError(0, part, xml);
  }

  /** One line, {@code test.xml:LINE: …} holding {@code part}; line 0 checks only that there is a line. */
  private static String assertError(int line, String part, byte[] xml) {
    DomainXmlException e = assertThrows(DomainXmlException.class, () -> DomainXml.parse(xml, "test.xml"));
    String message = e.getMessage();
    var m = ONE_LINE.matcher(message);
    assertTrue(m.matches(), message);
    if (line > 0) {
      assertEquals(line, Integer.parseInt(m.group(1)), message);
    }
    assertTrue(message.contains(part), message);
    assertFalse(message.contains("Exception") || message.contains("\tat "), message);
    return message;
  }

  private static PciAddress addr(String text) {
    return PciAddress.parse(text);
  }

  private static Domain parseResource(String name) throws IOException, DomainXmlException {
    try (InputStream in = DomainXmlTest.class.getResourceAsStream(name)) {
      return DomainXml.read(in, name);
    }
  }

  @Test
  void thousandsOfNamespaceDeclarationsAreRefusedBeforeTheParserBindsThem() {
    StringBuilder xml = new StringBuilder("<domain><name>g</name>\n<metadata><x");
    for (int i = 0; i < 40_000; i++) {
      xml.append(" xmlns:p").append(i).append("='urn:").append(i).append("'");
    }
    xml.append("/></metadata></domain>");
    DomainXmlException e = org.junit.jupiter.api.Assertions.assertThrows(DomainXmlException.class,
        () -> DomainXml.parse(xml.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "ns.xml"));
    org.junit.jupiter.api.Assertions.assertEquals("ns.xml:2: more than 256 namespace declarations; a domain has a handful",
        e.getMessage());
  }

  @Test
  void contentAfterTheDomainIsRefusedAndTheFirstDriverCountsAsInLibvirt() throws Exception {
    byte[] two = "<domain><name>a</name></domain>\n<domain><name>b</name></domain>\n"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    DomainXmlException e = org.junit.jupiter.api.Assertions.assertThrows(DomainXmlException.class,
        () -> DomainXml.parse(two, "two.xml"));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("two.xml:2: "), e.getMessage());
    byte[] trailing = "<domain><name>a</name></domain>\n<!-- kept -->\n  \n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertEquals("a", DomainXml.parse(trailing, "t.xml").name());
    byte[] drivers = ("<domain><name>a</name><devices><hostdev mode='subsystem' type='pci'><driver name='kvm'/>"
        + "<driver name='vfio'/><source><address domain='0' bus='1' slot='0' function='0'/></source></hostdev>"
        + "</devices></domain>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertEquals(Hostdev.Backend.KVM,
        DomainXml.parse(drivers, "d.xml").hostdevs().get(0).backend());
  }
}
