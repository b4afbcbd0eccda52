package io.vfioctl.inuse;

import io.vfioctl.core.Text;
import io.vfioctl.core.DevicePaths;
import io.vfioctl.core.Names;
import io.vfioctl.sysfs.SizeLimit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the boot VGA device ({@code boot_vga} is 1) shows the console. It does when a
 * framebuffer uses it: one whose {@code /sys/class/graphics/fbN} link lies under the device (its
 * driver's fbdev, such as {@code amdgpudrmfb}), or a firmware framebuffer, which draws in the
 * boot device's memory but sits under a platform device ({@code efi-framebuffer.0},
 * {@code simple-framebuffer.0}) or shows only in {@code /proc/fb} ({@code EFI VGA},
 * {@code VESA VGA}, {@code simpledrmdrmfb}); or when the VGA text console ({@code vgacon}) is
 * bound in {@code /sys/class/vtconsole}. The phrase names the console when the framebuffer
 * console ({@code fbcon}) is bound, taking it to be on that framebuffer (which one fbcon maps to
 * is not in sysfs). Other devices' framebuffers are not counted: their drivers give them up on
 * unbinding, and the console moves off.
 */
final class ConsoleUse {
  static final String CLASS_GRAPHICS = "/sys/class/graphics";
  static final String CLASS_VTCONSOLE = "/sys/class/vtconsole";
  static final String PROC_FB = "/proc/fb";
  private static final SizeLimit FB_LIST = SizeLimit.kib(64, "a framebuffer list");
  private static final List<String> FIRMWARE_DEVICES = List.of("efi-framebuffer", "simple-framebuffer",
      "vesa-framebuffer", "vesafb", "efifb");
  private static final List<String> FIRMWARE_NAMES = List.of("EFI VGA", "VESA VGA", "simple", "simpledrmdrmfb",
      "efidrmdrmfb", "vesadrmdrmfb", "ofdrmdrmfb", "VGA16 VGA");

  private final UseSources sources;

  ConsoleUse(UseSources sources) {
    this.sources = sources;
  }

  /** {@code it is the boot VGA device and the console's framebuffer (fb0 EFI VGA) uses it}. */
  List<String> uses(DevicePaths device) {
    if (!sources.attribute(device.file("boot_vga")).map(String::strip).filter("1"::equals).isPresent()) {
      return List.of();
    }
    String boot = "it is the boot VGA device and ";
    boolean fbcon = consoleBound("frame buffer");
    List<String> uses = new ArrayList<>();
    framebuffers(device.device().name()).forEach((fb, name) -> uses.add(boot
        + (fbcon ? "the console's framebuffer (" + fb + " " + name + ")" : "framebuffer " + fb + " (" + name + ")")
        + " uses it"));
    if (uses.isEmpty() && consoleBound("VGA")) {
      uses.add(boot + "the VGA text console uses it");
    }
    return uses;
  }

  /** {@code fb[0-9]{1,4}}. */
  private static boolean isFramebuffer(String name) {
    return name.startsWith("fb") && Text.isDigits(name.substring(2), 4);
  }

  /** The framebuffers that use the boot device, {@code fb0} to its name, from sysfs and then {@code /proc/fb}. */
  private Map<String, String> framebuffers(String address) {
    Map<String, String> using = new LinkedHashMap<>();
    List<String> seen = new ArrayList<>();
    for (UseSources.ClassEntry e : sources.entries(CLASS_GRAPHICS)) {
      if (!isFramebuffer(e.name())) {
        continue;
      }
      seen.add(e.name());
      String name = sources.attribute(CLASS_GRAPHICS + "/" + e.name() + "/name").map(String::strip).orElse("");
      boolean firmware = e.target().stream().anyMatch(ConsoleUse::isFirmwareDevice) || isFirmwareName(name);
      if (e.passesThrough(address) || firmware) {
        using.put(e.name(), Names.printable(name));
      }
    }
    for (String line : sources.proc(PROC_FB, FB_LIST).lines()) {
      int space = line.indexOf(' ');
      String fb = "fb" + line.substring(0, Math.max(space, 0));
      String name = line.substring(space + 1).strip();
      if (space > 0 && isFramebuffer(fb) && !seen.contains(fb) && isFirmwareName(name)) {
        using.put(fb, Names.printable(name));
      }
    }
    return using;
  }

  private static boolean isFirmwareDevice(String component) {
    return FIRMWARE_DEVICES.stream().anyMatch(d -> component.equals(d) || component.startsWith(d + "."));
  }

  private static boolean isFirmwareName(String name) {
    return FIRMWARE_NAMES.contains(name);
  }

  /** Whether a bound virtual terminal console's name mentions {@code kind} ({@code (M) frame buffer device}). */
  private boolean consoleBound(String kind) {
    for (String con : sources.names(CLASS_VTCONSOLE)) {
      String dir = CLASS_VTCONSOLE + "/" + con;
      Optional<String> bind = sources.attribute(dir + "/bind").map(String::strip);
      if (bind.filter("1"::equals).isPresent()
          && sources.attribute(dir + "/name").filter(n -> n.contains(kind)).isPresent()) {
        return true;
      }
    }
    return false;
  }
}
