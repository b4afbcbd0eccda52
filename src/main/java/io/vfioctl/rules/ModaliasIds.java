package io.vfioctl.rules;

import io.vfioctl.core.Text;
import java.util.Locale;

/** The five IDs a PCI {@code modalias} holds, so that one read stands for five. */
final class ModaliasIds {
  /** The IDs are the first five keys: {@link #parse} fills {@code ids[0]} to {@code ids[COUNT - 1]}. */
  static final int COUNT = MatchKey.CLASS.ordinal() + 1;

  private ModaliasIds() {}

  /**
   * The IDs in a PCI {@code modalias} ({@code pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X}, which
   * the kernel prints from the same fields as {@code vendor}, {@code device}, ... and
   * {@code class}) into {@code ids} by {@link MatchKey#ordinal}, in the form {@link DeviceFacts#id}
   * gives; nothing when it is not exactly of that form.
   */
  static void parse(String modalias, String[] ids) {
    if (modalias.length() != 53 || !modalias.startsWith("pci:v") || !field(modalias, 13, "d")
        || !field(modalias, 22, "sv") || !field(modalias, 32, "sd") || !field(modalias, 42, "bc")
        || !field(modalias, 46, "sc") || !field(modalias, 50, "i")) {
      return;
    }
    String[] ofIds = {modalias.substring(5, 13), modalias.substring(14, 22), modalias.substring(24, 32),
        modalias.substring(34, 42)};
    for (String id : ofIds) {
      if (!id.startsWith("0000") || !Text.isHex(id, 8)) {
        return;
      }
    }
    String classCode = modalias.substring(44, 46) + modalias.substring(48, 50) + modalias.substring(51, 53);
    if (!Text.isHex(classCode, 6)) {
      return;
    }
    ids[MatchKey.VENDOR.ordinal()] = ofIds[0].substring(4).toLowerCase(Locale.ROOT);
    ids[MatchKey.DEVICE.ordinal()] = ofIds[1].substring(4).toLowerCase(Locale.ROOT);
    ids[MatchKey.SUBSYSTEM_VENDOR.ordinal()] = ofIds[2].substring(4).toLowerCase(Locale.ROOT);
    ids[MatchKey.SUBSYSTEM_DEVICE.ordinal()] = ofIds[3].substring(4).toLowerCase(Locale.ROOT);
    ids[MatchKey.CLASS.ordinal()] = classCode.toLowerCase(Locale.ROOT);
  }

  private static boolean field(String modalias, int at, String name) {
    return modalias.startsWith(name, at);
  }
}
