# Sourced by test/vm/trixie/run: builds and caches the trixie guest image in three layers, each
# rebuilt only when its inputs change.
#   base   mmdebstrap of ./packages, ./customize-base and the variant driver's source: a tarball
#          (slow: minutes; changes rarely)
#   qemu   a trixie chroot with QEMU 10 in which the guest runs (bookworm's QEMU 7.2 has no igb)
#   image  the base plus vfioctl's .deb (dpkg -i), the test unit and ./guest: an ext4 disk image
#          made with mke2fs -d, no loop mount (changes with every commit: seconds)
# Needs: HERE REPO TC (the cache dir) say die.

hash_of() { sha256sum | cut -c1-16; }

# Runs a command chrooted into $1, with /proc and /dev, in a private mount namespace: nothing
# stays mounted, and the host's /sys is never there.
in_chroot() { # root command...
    local root=$1; shift
    unshare -m --propagation private -- sh -c '
        root=$1; shift
        mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" && exec chroot "$root" "$@"
    ' in_chroot "$root" "$@"
}

mirror_line() { # suite
    local uri keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    uri=$(debian_uri) || die "no Debian archive URI in this machine's apt sources"
    echo "deb [signed-by=$keyring] $uri $1 main"
}

# mmdebstrap with the downloaded .debs kept in $TC/debs between builds.
debstrap() { # mmdebstrap args...
    mkdir -p "$TC/debs"
    mmdebstrap --quiet --variant=apt --skip=download/empty \
        --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
        --setup-hook="sync-in $TC/debs /var/cache/apt/archives/" \
        --customize-hook="sync-out /var/cache/apt/archives $TC/debs" \
        --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
        "$@"
}

package_list() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HERE/packages" | tr -s ' \n' ',' | sed 's/,$//'; }

build_base() {
    local key
    key=$( (cat "$HERE/packages" "$HERE/customize-base" "$REPO"/test/vm/variant/*; echo v1) | hash_of)
    BASE=$TC/base-$key.tar
    if [ -f "$BASE" ]; then say "base image: cached ($BASE)"; return 0; fi
    say "base image: mmdebstrap trixie ($(package_list | tr ',' ' '))"
    rm -f "$TC"/base-*.tar
    debstrap --include="$(package_list)" \
        --customize-hook="copy-in $REPO/test/vm/variant /root" \
        --customize-hook="\"$HERE/customize-base\" \"\$1\"" \
        trixie "$BASE.tmp.tar" "$(mirror_line trixie)" >"$TC/base.log" 2>&1 ||
        { tail -n 30 "$TC/base.log" >&2; die "mmdebstrap of the base image failed (log: $TC/base.log)"; }
    mv "$BASE.tmp.tar" "$BASE"
    say "base image: $(du -h "$BASE" | cut -f1)"
}

build_qemu_root() {
    local key
    key=$(echo "qemu-system-x86 v1" | hash_of)
    QROOT=$TC/qemu-root
    if [ "$(cat "$QROOT/.complete" 2>/dev/null)" = "$key" ]; then return 0; fi
    say "QEMU: mmdebstrap trixie qemu-system-x86 into $QROOT"
    rm -rf "$QROOT"
    debstrap --include=qemu-system-x86 trixie "$QROOT" "$(mirror_line trixie)" >"$TC/qemu-root.log" 2>&1 ||
        { tail -n 30 "$TC/qemu-root.log" >&2; die "mmdebstrap of the QEMU chroot failed (log: $TC/qemu-root.log)"; }
    mkdir -p "$QROOT/vmtest"
    echo "$key" >"$QROOT/.complete"
}

# The checkout's files the guest gets, relative to the checkout.
checkout_files() {
    (cd "$REPO" && find ansible test/fleet/guest-run test/fleet/guest.yml -type f ! -path '*/__pycache__/*' ! -name '*.pyc' | sort)
}

# The base plus vfioctl's package and the test machinery, as an ext4 image.
build_image() { # deb
    local deb=$1 key root
    key=$( (basename "$BASE"; sha256sum <"$deb"; cat "$HERE/image.sh" "$REPO/test/vm/lib/checks.sh";
            find "$HERE/guest" -type f | sort | xargs cat; (cd "$REPO" && checkout_files | xargs cat)) | hash_of)
    IMAGE=$TC/image-$key.ext4
    if [ -f "$IMAGE" ]; then say "image: cached ($IMAGE)"; return 0; fi
    say "image: base + $(basename "$deb") + test unit"
    rm -f "$TC"/image-*.ext4 "$TC"/image-*.tmp
    root=$TC/rootfs
    rm -rf "$root"; mkdir -p "$root"
    tar -C "$root" -xf "$BASE"
    install -m 0644 "$deb" "$root/root/vfioctl.deb"
    in_chroot "$root" env DEBIAN_FRONTEND=noninteractive dpkg -i /root/vfioctl.deb >"$TC/dpkg.log" 2>&1 ||
        { cat "$TC/dpkg.log" >&2; die "dpkg -i of vfioctl's package failed in the image"; }
    grep -iE 'warn|error' "$TC/dpkg.log" | sed 's/^/[trixie] dpkg: /' || true
    rm -f "$root/root/vfioctl.deb"
    install -d "$root/usr/lib/vmtest/batches" "$root/var/lib/vmtest"
    install -m 0755 "$HERE/guest/run-batch" "$root/usr/lib/vmtest/"
    install -m 0644 "$REPO/test/vm/lib/checks.sh" "$HERE"/guest/lib.sh "$root/usr/lib/vmtest/"
    install -m 0644 "$HERE"/guest/batches/*.sh "$root/usr/lib/vmtest/batches/"
    install -m 0644 "$HERE/guest/vmtest.service" "$root/etc/systemd/system/"
    # What a batch uses from the checkout (the Ansible collection and its guest playbook), in the
    # checkout's layout under /usr/lib/vmtest/checkout.
    checkout_files | while read -r f; do install -D -m "$(stat -c %a "$REPO/$f")" "$REPO/$f" "$root/usr/lib/vmtest/checkout/$f"; done
    ln -sf /etc/systemd/system/vmtest.service "$root/etc/systemd/system/multi-user.target.wants/vmtest.service"
    # What the first boot finds: saved overrides and binding rules (cp keeps the names with ':').
    cp -r "$HERE/guest/seed/." "$root/"
    mke2fs -q -t ext4 -L root -E root_owner=0:0 -d "$root" "$IMAGE.tmp" 8G >/dev/null ||
        die "mke2fs -d of the image failed"
    rm -rf "$root"
    mv "$IMAGE.tmp" "$IMAGE"
    say "image: $IMAGE ($(du -h "$IMAGE" | cut -f1) used of 8G)"
}
