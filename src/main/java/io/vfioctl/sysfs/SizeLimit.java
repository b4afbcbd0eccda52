package io.vfioctl.sysfs;

/** The most a file of some kind may hold, and what to call that kind in a refusal. */
public record SizeLimit(int bytes, String kind) {

  public static SizeLimit kib(int kib, String kind) {
    return new SizeLimit(kib << 10, kind);
  }

  public static SizeLimit mib(int mib, String kind) {
    return new SizeLimit(mib << 20, kind);
  }

  @Override
  public String toString() {
    return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
  }
}
