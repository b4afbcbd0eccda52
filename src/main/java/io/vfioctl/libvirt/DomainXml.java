package io.vfioctl.libvirt;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the PCI host devices of a libvirt domain XML, without touching the host.
 *
 * <p>The document may hold no DOCTYPE and no entity reference, is at most {@value #MAX_BYTES}
 * bytes, nests at most {@value XmlCursor#MAX_DEPTH} elements deep and gives an element at most
 * {@value XmlCursor#MAX_ATTRIBUTES} attributes. Addresses are read as libvirt reads them. See
 * docs/LIBVIRT.md.
 */
public final class DomainXml {
  /** The XML namespace of vfioctl's per-domain metadata. */
  public static final String NAMESPACE = "https://vfioctl.io/xmlns/libvirt/domain/1.0";

  /** 16 MiB: above what libvirt itself takes (virsh reads at most 10 MiB of XML). */
  public static final int MAX_BYTES = 16 * 1024 * 1024;

  private DomainXml() {}

  /**
   * Parses a domain XML.
   *
   * @param sourceName how messages name the document, e.g. a file name or {@code -}
   * @throws DomainXmlException with a one-line {@code sourceName:line: …} message
   */
  public static Domain parse(byte[] xml, String sourceName) throws DomainXmlException {
    if (xml.length > MAX_BYTES) {
      throw tooLarge(xml, sourceName);
    }
    return new DomainReader(new XmlCursor(xml, sourceName)).read();
  }

  /** Reads at most {@value #MAX_BYTES} bytes of {@code in} (a file or standard input) and parses them. */
  public static Domain read(InputStream in, String sourceName) throws IOException, DomainXmlException {
    byte[] xml = in.readNBytes(MAX_BYTES + 1);
    return parse(xml, sourceName);
  }

  private static DomainXmlException tooLarge(byte[] xml, String sourceName) {
    return new DomainXmlException(sourceName + ":" + XmlCursor.lineCount(xml, MAX_BYTES + 1)
        + ": the document goes past the " + (MAX_BYTES >> 20) + " MiB limit here");
  }
}
