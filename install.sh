#!/bin/sh
# Installs conform from a GitHub release, without Rust:
#
#   curl -fsSL https://raw.githubusercontent.com/kliv/conform/main/install.sh | sh
#   curl -fsSL https://raw.githubusercontent.com/kliv/conform/main/install.sh | sh -s -- --version v0.2.0 --to /usr/local/bin
#
# It picks the archive the release workflow built for this OS and CPU
# (Linux: static musl builds for x86_64 and aarch64; macOS: Apple silicon
# and Intel), downloads it with its .sha256 file, refuses to install when
# the checksum does not match, and puts the `conform` binary in a directory
# (default ~/.local/bin). The GitHub Action installs through this script.
#
# Options (each also as an environment variable):
#   --version TAG     release tag, e.g. v0.2.0 (CONFORM_VERSION; default: the latest release)
#   --to DIR          where to put the binary (CONFORM_INSTALL_DIR; default: ~/.local/bin)
#   --base-url URL    the releases' address (CONFORM_DOWNLOAD_URL; default:
#                     https://github.com/kliv/conform/releases). A mirror or a
#                     local directory (file:///...) laid out the same way:
#                     BASE/download/TAG/ARCHIVE and BASE/latest/download/ARCHIVE
#   --target TRIPLE   the archive's target instead of this machine's (CONFORM_TARGET)
#   --cache DIR       keep the downloaded archive in DIR and reuse it next time;
#                     it is verified against the release's checksum every time
#                     (CONFORM_CACHE_DIR)
set -eu

version="${CONFORM_VERSION:-latest}"
to="${CONFORM_INSTALL_DIR:-${HOME:-.}/.local/bin}"
base="${CONFORM_DOWNLOAD_URL:-https://github.com/kliv/conform/releases}"
target="${CONFORM_TARGET:-}"
cache="${CONFORM_CACHE_DIR:-}"

say() { printf 'conform install: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --version) [ $# -ge 2 ] || die "$1 needs a value"; version="$2"; shift 2 ;;
        --to) [ $# -ge 2 ] || die "$1 needs a value"; to="$2"; shift 2 ;;
        --base-url) [ $# -ge 2 ] || die "$1 needs a value"; base="$2"; shift 2 ;;
        --target) [ $# -ge 2 ] || die "$1 needs a value"; target="$2"; shift 2 ;;
        --cache) [ $# -ge 2 ] || die "$1 needs a value"; cache="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[ -n "$version" ] || version=latest
base="${base%/}"

if [ -z "$target" ]; then
    os="$(uname -s)"
    cpu="$(uname -m)"
    case "$cpu" in
        x86_64|amd64) cpu=x86_64 ;;
        aarch64|arm64) cpu=aarch64 ;;
        *) die "no release build for the CPU $cpu: build from source (cargo install conform --locked)" ;;
    esac
    case "$os" in
        Linux) target="$cpu-unknown-linux-musl" ;;
        Darwin)
            # An Intel shell on Apple silicon (Rosetta) still gets the native build.
            if [ "$cpu" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then
                cpu=aarch64
            fi
            target="$cpu-apple-darwin" ;;
        *) die "no release build for $os: build from source (cargo install conform --locked)" ;;
    esac
fi

archive="conform-$target.tar.gz"
if [ "$version" = latest ]; then
    url="$base/latest/download/$archive"
else
    url="$base/download/$version/$archive"
fi

fetch() { # URL FILE
    if command -v curl >/dev/null 2>&1; then
        curl --proto '=https,file,http' -fsSL --retry 3 -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1"
    else
        die "neither curl nor wget is installed"
    fi
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d' ' -f1
    else
        die "neither sha256sum nor shasum is installed: cannot verify the download"
    fi
}

work="$(mktemp -d 2>/dev/null || mktemp -d -t conform)"
trap 'rm -rf "$work"' EXIT INT TERM

fetch "$url.sha256" "$work/$archive.sha256" || die "cannot download $url.sha256 (is $version a release, with a build for $target?)"
expected="$(cut -d' ' -f1 <"$work/$archive.sha256" | tr 'A-F' 'a-f')"
case "$expected" in
    *[!0-9a-f]*|"") die "$url.sha256 holds no SHA-256" ;;
esac
[ "${#expected}" -eq 64 ] || die "$url.sha256 holds no SHA-256"

downloaded="$work/$archive"
if [ -n "$cache" ] && [ -f "$cache/$archive" ] && [ "$(sha256_of "$cache/$archive")" = "$expected" ]; then
    say "using the cached $archive ($cache), checksum verified"
    downloaded="$cache/$archive"
else
    say "downloading $url"
    fetch "$url" "$work/$archive" || die "cannot download $url"
    actual="$(sha256_of "$work/$archive")"
    if [ "$actual" != "$expected" ]; then
        die "checksum mismatch for $archive: expected $expected, got $actual; nothing was installed"
    fi
    say "checksum verified: $expected"
    if [ -n "$cache" ]; then
        mkdir -p "$cache"
        cp "$work/$archive" "$cache/$archive.tmp" && mv -f "$cache/$archive.tmp" "$cache/$archive"
    fi
fi

mkdir -p "$work/x"
tar -xzf "$downloaded" -C "$work/x"
binary="$work/x/conform-$target/conform"
[ -f "$binary" ] || die "$archive holds no conform-$target/conform"

mkdir -p "$to"
cp "$binary" "$to/.conform.tmp.$$"
chmod 755 "$to/.conform.tmp.$$"
mv -f "$to/.conform.tmp.$$" "$to/conform"
say "installed $("$to/conform" --version 2>/dev/null || echo conform) for $target into $to"
case ":${PATH:-}:" in
    *":$to:"*) ;;
    *) say "$to is not on your PATH: add it, or run $to/conform" ;;
esac
