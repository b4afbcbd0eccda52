package io.vfioctl.cli;

import io.vfioctl.core.IoErrors;
import io.vfioctl.core.Names;
import io.vfioctl.core.VfioctlException;
import io.vfioctl.early.InitramfsBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code vfioctl initramfs BUILDER KERNEL DIR}: what an initramfs hook runs when it builds the
 * initramfs of kernel KERNEL. Writes DIR/modules (one module a line, for the hook to copy with
 * their dependencies) and DIR/early (the early script), or an empty DIR/modules and no
 * DIR/early when nothing is to be bound early. DIR is a path of the running system (the hook's
 * temporary directory), not below {@code --root}.
 */
final class InitramfsCommand extends Command {
  InitramfsCommand() {
    super("initramfs", "<builder> <kernel-version> <dir> (builder: initramfs-tools or dracut)", 3, 3);
  }

  @Override
  int run(Invocation in) throws VfioctlException, UsageException {
    String builder = in.arguments().get(0);
    if (!InitramfsBuild.BUILDERS.contains(builder)) {
      throw new UsageException("initramfs takes initramfs-tools or dracut, not " + Names.printable(builder));
    }
    String kernel = Names.requireComponent(in.arguments().get(1), "kernel version");
    Path dir = Path.of(in.arguments().get(2));
    if (!Files.isDirectory(dir)) {
      throw new VfioctlException("initramfs: " + Names.printable(dir.toString()) + " is not a directory");
    }
    InitramfsBuild.Result result = in.services().initramfsBuild().build(builder, kernel);
    result.warnings().forEach(w -> in.err().println(in.prefix() + w));
    try {
      StringBuilder modules = new StringBuilder();
      result.modules().forEach(m -> modules.append(m).append('\n'));
      Files.writeString(dir.resolve("modules"), modules);
      Path early = dir.resolve("early");
      Files.deleteIfExists(early);
      if (result.script().isPresent()) {
        Files.writeString(early, result.script().get());
        Files.setPosixFilePermissions(early, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (IOException e) {
      throw new VfioctlException("initramfs: cannot write to " + Names.printable(dir.toString()) + ": "
          + IoErrors.describe(e));
    }
    in.out().println(result.script().isEmpty() ? "initramfs: nothing to bind before host drivers (kernel " + kernel
        + ")" : "initramfs: early script and " + result.modules().size() + " modules for kernel " + kernel);
    return 0;
  }
}
