# Sourced by scripts/setup.sh and scripts/fuzz.sh: one way to install the
# Debian packages a script needs.
#
# dnc_install_packages WHO PACKAGE...: installs those of PACKAGE... that are
# not installed (as root, or through sudo), non-interactively; WHO names the
# calling script in its messages. Returns 1 if packages are missing and it is
# neither root nor able to sudo.
dnc_install_packages() {
  local who=$1
  shift
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  ((${#missing[@]})) || return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "$who: these Debian packages are missing and I am neither root nor able to sudo:" >&2
      echo "  ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "$who: installing ${#missing[@]} Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}"
}
