# Sourced by tools/test-all.sh and bench/run.sh: installs the Debian packages a run needs.

# install_missing WHO PACKAGE...: installs, without recommends, the packages not installed yet,
# saying so as WHO; sets newly_installed to them.
install_missing() {
    local who=$1 p
    shift
    newly_installed=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || newly_installed+=("$p")
    done
    [ "${#newly_installed[@]}" -gt 0 ] || return 0
    echo "$who: installing ${newly_installed[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${newly_installed[@]}" >/dev/null
}

# stop_started SERVICE PACKAGE: a server that installing PACKAGE just started is not ours to run
# (the runs start their own, in their namespaces).
stop_started() {
    if [[ " ${newly_installed[*]} " == *" $2 "* ]] && systemctl is-active -q "$1" 2>/dev/null; then
        systemctl disable -q --now "$1"
    fi
}
