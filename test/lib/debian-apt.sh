# Shared by the test scripts: fetch Debian packages without installing them and without
# touching the system's apt configuration. Source it, set APTDIR, then call apt_private.

# The main Debian archive's URI, read from this machine's own apt sources
# (deb822 *.sources first, then one-line sources.list files). Never hard-coded.
debian_uri() {
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk 'BEGIN{IGNORECASE=1}
                   /^[ \t]*$/ {types=""; uris=""; next}
                   /^Types:/ {types=$0}
                   /^URIs:/ {for (i=2;i<=NF;i++) if ($i ~ /\/debian\/?$/) uris=$i}
                   uris != "" && types ~ /deb( |$)/ {print uris; exit}' "$f")
        if [ -n "$uri" ]; then echo "${uri%/}"; return 0; fi
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri=$(sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
              awk '$1=="deb" && $2 ~ /\/debian\/?$/ {print $2; exit}')
        if [ -n "$uri" ]; then echo "${uri%/}"; return 0; fi
    done
    return 1
}

# apt-get/apt-cache with a private configuration under $APTDIR.
apt_private() {
    local tool=$1; shift
    "$tool" -q -o Dir::Etc::SourceList="$APTDIR/sources.list" -o Dir::Etc::SourceParts=- \
        -o Dir::State::Lists="$APTDIR/lists" -o Dir::State::status=/dev/null \
        -o Dir::Cache="$APTDIR/cache" -o Dir::Cache::archives="$APTDIR/cache/archives" \
        -o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" \
        -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root \
        -o Debug::NoLocking=1 "$@"
}

# Points the private configuration at one suite of the machine's archive and updates it.
apt_private_suite() {
    local suite=$1 uri keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    uri=$(debian_uri) || { echo "no Debian archive URI found in /etc/apt sources" >&2; return 1; }
    mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
    if [ -f "$keyring" ]; then
        echo "deb [signed-by=$keyring] $uri $suite main" >"$APTDIR/sources.list"
    else
        echo "deb $uri $suite main" >"$APTDIR/sources.list"
    fi
    apt_private apt-get update >/dev/null
}
