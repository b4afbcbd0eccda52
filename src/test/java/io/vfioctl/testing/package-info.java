/**
 * What the tests share. {@link io.vfioctl.testing.TestMachine} is the standard simulated machine
 * (its device names mean the same addresses in every test; {@link io.vfioctl.testing.MachineTest}
 * gives each test a fresh one); {@link io.vfioctl.testing.FakeRoot} lays out a plain-file root
 * as {@code --root} reads it ({@link io.vfioctl.testing.FakeRootTest} gives each test one);
 * {@link io.vfioctl.testing.CliRunner} runs the command line and captures what it prints;
 * {@link io.vfioctl.testing.Golden} compares long outputs with the files in
 * {@code src/test/resources/golden}; {@link io.vfioctl.testing.HostileFiles} makes the huge files
 * and FIFOs a hostile root may hold.
 */
package io.vfioctl.testing;
