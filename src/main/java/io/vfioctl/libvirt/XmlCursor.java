package io.vfioctl.libvirt;

import io.vfioctl.core.Names;
import java.io.CharArrayReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLResolver;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A pull parser over one document that refuses DTDs and entities, bounds nesting and attribute
 * counts, and turns every failure into a one-line {@link DomainXmlException} naming the line.
 */
final class XmlCursor {
  static final int MAX_DEPTH = 256;
  static final int MAX_ATTRIBUTES = 256;

  private record Open(String name, int line) {}

  private final String source;
  private final XMLStreamReader xml;
  private final EofWatch input;
  private final int lastLine;
  private final Deque<Open> open = new ArrayDeque<>();

  XmlCursor(byte[] document, String source) throws DomainXmlException {
    this.source = source;
    CharBuffer text = utf8(document, source);
    refuseManyNamespaces(text, source);
    this.input = new EofWatch(text);
    this.lastLine = lineCount(document, document.length);
    try {
      this.xml = factory().createXMLStreamReader(input);
    } catch (XMLStreamException e) {
      throw malformed(e);
    }
    refuseXml11LineEnds(text, source);
  }

  /**
   * XML 1.1 turns U+0085 and U+2028 into line ends (a space in an attribute), where libxml2, which
   * reads every document as XML 1.0, keeps them and refuses the value: such a document would name
   * another device here than in libvirt.
   */
  private void refuseXml11LineEnds(CharBuffer text, String source) throws DomainXmlException {
    if (!"1.1".equals(xml.getVersion())) {
      return;
    }
    int line = 1;
    for (int i = text.position(); i < text.limit(); i++) {
      char c = text.get(i);
      if (c == '\n') {
        line++;
      } else if (c == '\u0085' || c == '\u2028') {
        throw new DomainXmlException(source + ":" + line + ": an XML 1.1 line end (U+" + (c == '\u0085' ? "0085" : "2028")
            + "), which libvirt reads as XML 1.0 text; remove it or declare version='1.0'");
      }
    }
  }

  private static XMLInputFactory factory() {
    // The JDK's own implementation: no service lookup on the class path, known secure settings.
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setXMLResolver(new RefuseExternal());
    // The JDK's own caps depend on its version and jaxp.properties (JDK 25: depth 100, 200
    // attributes); vfioctl's limits are its own, checked in next() with its own messages.
    f.setProperty("jdk.xml.maxElementDepth", String.valueOf(MAX_DEPTH + 1));
    f.setProperty("jdk.xml.elementAttributeLimit", String.valueOf(MAX_ATTRIBUTES + MAX_NAMESPACES + 1));
    return f;
  }

  /** A class, not a lambda: bootstrapping a lambda costs start-up time. */
  private static final class RefuseExternal implements XMLResolver {
    @Override
    public Object resolveEntity(String publicId, String systemId, String base, String namespace)
        throws XMLStreamException {
      throw new XMLStreamException("external resource refused: " + systemId);
    }
  }

  /** The root element's local name, after the prolog. */
  String root() throws DomainXmlException {
    while (next() != XMLStreamConstants.START_ELEMENT) {
      // prolog: comments, processing instructions, white space
    }
    return xml.getLocalName();
  }

  /**
   * Moves to the next child element of the current one and returns true, or to the current
   * element's end tag and returns false. Text, comments and processing instructions are passed.
   */
  boolean nextChild() throws DomainXmlException {
    while (true) {
      int event = next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        return true;
      }
      if (event == XMLStreamConstants.END_ELEMENT) {
        return false;
      }
    }
  }

  /** After the root element: only comments, processing instructions and white space, as libxml2 requires. */
  void requireEnd() throws DomainXmlException {
    try {
      while (xml.hasNext()) {
        int event = xml.next();
        boolean blank = (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.SPACE) && xml.isWhiteSpace();
        if (!blank && event != XMLStreamConstants.COMMENT && event != XMLStreamConstants.PROCESSING_INSTRUCTION
            && event != XMLStreamConstants.END_DOCUMENT) {
          throw error(line(), "content after the end of <domain>");
        }
      }
    } catch (XMLStreamException e) {
      throw malformed(e);
    }
  }

  /** Moves past the end tag of the current element, whatever it holds. */
  void skipElement() throws DomainXmlException {
    int depth = open.size();
    while (open.size() >= depth) {
      next();
    }
  }

  /** The text of the current element, which must hold no elements; moves past its end tag. */
  String text() throws DomainXmlException {
    String name = xml.getLocalName();
    StringBuilder text = new StringBuilder();
    while (true) {
      int event = next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
            text.append(xml.getText());
        case XMLStreamConstants.START_ELEMENT ->
            throw error(line(), "<" + xml.getLocalName() + "> inside <" + name + ">, which holds text only");
        case XMLStreamConstants.END_ELEMENT -> {
          return text.toString();
        }
        default -> {
          // comments and processing instructions
        }
      }
    }
  }

  /** Whether the current element is {@code localName} in no namespace (libvirt's own elements). */
  boolean is(String localName) {
    return isIn("", localName);
  }

  boolean isIn(String namespace, String localName) {
    return inNamespace(namespace) && localName.equals(xml.getLocalName());
  }

  boolean inNamespace(String namespace) {
    String ns = xml.getNamespaceURI();
    return namespace.equals(ns == null ? "" : ns);
  }

  String localName() {
    return xml.getLocalName();
  }

  /**
   * An attribute of the current element, or null. libvirt reads attributes with libxml2's
   * {@code xmlGetProp}, which takes the first one of that local name whatever its namespace, so
   * {@code x:bus} would be its bus: an attribute of that name in a namespace is refused rather
   * than read differently.
   */
  String attribute(String name) throws DomainXmlException {
    String value = null;
    for (int i = 0; i < xml.getAttributeCount(); i++) {
      if (!name.equals(xml.getAttributeLocalName(i))) {
        continue;
      }
      String namespace = xml.getAttributeNamespace(i);
      if (namespace != null && !namespace.isEmpty()) {
        String prefix = xml.getAttributePrefix(i);
        String qualified = (prefix == null || prefix.isEmpty() ? "{" + namespace + "}" : prefix + ":") + name;
        throw error(line(), "<" + Names.printable(xml.getLocalName()) + "> has " + Names.printable(qualified)
            + ", which libvirt reads as " + name + " whatever its namespace; remove the prefix");
      }
      value = xml.getAttributeValue(i);
    }
    return value;
  }

  /** Whether the current element has an attribute of this local name, in any namespace. */
  boolean hasAttribute(String name) {
    for (int i = 0; i < xml.getAttributeCount(); i++) {
      if (name.equals(xml.getAttributeLocalName(i))) {
        return true;
      }
    }
    return false;
  }

  /** The line of the current element's start tag (where it ends, for a tag on several lines). */
  int line() {
    return xml.getLocation().getLineNumber();
  }

  DomainXmlException error(int line, String what) {
    return new DomainXmlException(source + ":" + line + ": " + what);
  }

  private int next() throws DomainXmlException {
    int event;
    try {
      if (!xml.hasNext()) {
        throw error(lastLine, "the document ends early");
      }
      event = xml.next();
    } catch (XMLStreamException e) {
      throw malformed(e);
    }
    switch (event) {
      case XMLStreamConstants.START_ELEMENT -> {
        open.push(new Open(xml.getLocalName(), line()));
        if (open.size() > MAX_DEPTH) {
          throw error(line(), "elements nested deeper than " + MAX_DEPTH);
        }
        if (xml.getAttributeCount() > MAX_ATTRIBUTES) {
          throw error(line(), "<" + xml.getLocalName() + "> has more than " + MAX_ATTRIBUTES + " attributes");
        }
      }
      case XMLStreamConstants.END_ELEMENT -> open.pop();
      case XMLStreamConstants.DTD -> throw error(line(), "a DOCTYPE is not allowed in a domain XML");
      case XMLStreamConstants.ENTITY_REFERENCE ->
          throw error(line(), "entity &" + Names.printable(xml.getLocalName()) + "; is not allowed in a domain XML");
      default -> {
        // text, comments, processing instructions, end of document
      }
    }
    return event;
  }

  private DomainXmlException malformed(XMLStreamException e) {
    int line = e.getLocation() != null && e.getLocation().getLineNumber() > 0
        ? e.getLocation().getLineNumber() : 1;
    if (input.reachedEnd() && line >= lastLine && !open.isEmpty()) {
      Open unclosed = open.peek();
      return error(line, "the document ends inside <" + Names.printable(unclosed.name())
          + "> (opened on line " + unclosed.line() + ")");
    }
    return error(line, parserMessage(e));
  }

  /** The parser's own words, without its location prefix, on one printable line. */
  private static String parserMessage(XMLStreamException e) {
    String message = e.getMessage() == null ? "not well-formed XML" : e.getMessage();
    int cut = message.indexOf("Message: ");
    if (cut >= 0) {
      message = message.substring(cut + "Message: ".length());
    }
    message = message.strip().replaceAll("\\s+", " ");
    return message.length() > 200 ? Names.escaped(message.substring(0, 200)) + "…" : Names.escaped(message);
  }

  /** The line that holds byte {@code end - 1}: 1 + the line feeds before it. */
  static int lineCount(byte[] document, int end) {
    int lines = 1;
    for (int i = 0; i < end - 1; i++) {
      if (document[i] == '\n') {
        lines++;
      }
    }
    return lines;
  }

  /**
   * The document as text. libvirt writes and hooks receive UTF-8; decoding here rather than in the
   * parser keeps the JDK from printing encoding errors to standard error, and names their line.
   */
  private static CharBuffer utf8(byte[] document, String source) throws DomainXmlException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(document);
    try {
      CharBuffer text = decoder.decode(bytes);
      if (text.length() > 0 && text.charAt(0) == '\uFEFF') {
        text.position(1);
      }
      return text; // not copied: a 16 MiB document must fit a small heap
    } catch (CharacterCodingException e) {
      int bad = bytes.position();
      throw new DomainXmlException(source + ":" + lineCount(document, bad + 1) + ": not UTF-8 (byte 0x"
          + String.format("%02x", document[bad] & 0xff) + " at offset " + bad + ")");
    }
  }

  /**
   * The JDK's parser binds namespace declarations in time quadratic in their number on one
   * element, and counts them as no attribute: a few megabytes of them would keep libvirt
   * waiting for minutes. No domain needs more than a handful.
   */
  private static void refuseManyNamespaces(CharBuffer text, String source) throws DomainXmlException {
    int found = 0;
    int line = 1;
    for (int i = text.position(); i < text.limit(); i++) {
      char c = text.get(i);
      if (c == '\n') {
        line++;
      } else if (c == 'x' && i + 5 <= text.limit() && text.get(i + 1) == 'm' && text.get(i + 2) == 'l'
          && text.get(i + 3) == 'n' && text.get(i + 4) == 's' && ++found > MAX_NAMESPACES) {
        throw new DomainXmlException(source + ":" + line + ": more than " + MAX_NAMESPACES
            + " namespace declarations; a domain has a handful");
      }
    }
  }

  static final int MAX_NAMESPACES = 256;

  /** Remembers whether the parser has read to the end of the document. */
  private static final class EofWatch extends CharArrayReader {
    EofWatch(CharBuffer text) {
      super(text.array(), text.arrayOffset() + text.position(), text.remaining());
    }

    boolean reachedEnd() {
      return pos >= count;
    }
  }
}
