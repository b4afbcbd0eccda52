# Shared by bench/compare and test/launcher-test: fake roots with N generated PCI devices, as on
# real hosts (src/test/java/io/vfioctl/bench/HostGenerator.java, always seed 42).

# generator_init REPO JAVAC JAVA JAR WORK: compiles the generator into WORK/gen against vfioctl's
# JAR and writes the modules.alias it gives every host; then generate and settle run it with JAVA.
generator_init() {
    gen_java=$3 gen_cp=$5/gen:$4 gen_aliases=$5/modules.alias
    mkdir -p "$5/gen"
    "$2" --release 17 -cp "$4" -d "$5/gen" "$1/src/test/java/io/vfioctl/bench/HostGenerator.java"
    "$1/bench/modules-alias" >"$gen_aliases"
}

# generate DIR N [--booted]: a host of N devices at DIR, unless DIR is there already.
generate() {
    [ -d "$1" ] || "$gen_java" -cp "$gen_cp" io.vfioctl.bench.HostGenerator "$1" "$2" 42 "$gen_aliases" ${3:-} >&2
}

# settle DIR: every override at DIR in effect, as a kernel would have bound them.
settle() {
    "$gen_java" -cp "$gen_cp" io.vfioctl.bench.HostGenerator --settle "$1" >&2
}
