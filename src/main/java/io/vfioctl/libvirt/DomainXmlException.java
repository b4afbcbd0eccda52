package io.vfioctl.libvirt;

/**
 * A domain XML that vfioctl refuses: malformed, hostile or naming an impossible device. The
 * message is one line, {@code source:line: what}, fit to show a user as it is.
 */
public final class DomainXmlException extends Exception {
  private static final long serialVersionUID = 1L;

  DomainXmlException(String message) {
    super(message, null, false, false);
  }
}
