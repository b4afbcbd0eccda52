# Shared by the VM suites (test/vm/run, test/vm/trixie/run): install what a suite needs on this
# machine, from the machine's own apt configuration, only when it is missing.

# need_tools COMMAND:PACKAGE...: installs the package of each command not on PATH (or in /sbin).
need_tools() {
    local need=() pair cmd pkg
    for pair in "$@"; do
        cmd=${pair%%:*} pkg=${pair#*:}
        command -v "$cmd" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null 2>&1 ||
            need+=("$pkg")
    done
    need_packages "${need[@]}"
}

# need_packages PACKAGE...: installs those that dpkg does not list as installed.
need_packages() {
    local need=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
    done
    ((${#need[@]})) || return 0
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1; then
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
    fi
}
