#!/bin/sh
# Trims the PyTorch root filesystem at $1 (mmdebstrap's customize hook; root mode): apt's
# lists and caches, byte-code caches, the test programs and suites torch and numpy ship,
# and every shared library that python3, numpy and torch do not load. python3-torch's
# dependencies bring in GDAL, FFmpeg, Mesa and LLVM that a CPU matmul never touches; the
# kept set is what the dynamic loader resolves (ldd, inside the root) for the interpreter
# and every extension module, so nothing they need can go.
set -eu
root="$1"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/log/*
find "$root"/usr -depth -name __pycache__ -type d -exec rm -rf {} +
# torch/bin keeps torch_shm_manager (torch refuses to import without it), not its tests.
rm -rf "$root"/usr/lib/python3/dist-packages/torch/bin/test_* \
  "$root"/usr/lib/python3/dist-packages/torch/testing/_internal/generated \
  "$root"/usr/lib/python3/dist-packages/numpy/*/tests \
  "$root"/usr/share/icons "$root"/usr/share/fonts "$root"/usr/share/X11

libdir=usr/lib/x86_64-linux-gnu
[ -d "$root/$libdir" ] || libdir=usr/lib/aarch64-linux-gnu

# Inside the root, in one shell: the real paths of everything the interpreter and the
# extension modules load, then every library of the multiarch folder that is not one of
# them. glibc's own (loaded by name at run time: NSS, gconv) and the C++ runtime stay.
chroot "$root" /bin/sh -s "$libdir" <<'INSIDE'
set -eu
libdir="$1"
{
  find /usr/lib/python3 /usr/lib/python3.11 \( -name '*.so' -o -name '*.so.*' \) \( -type f -o -type l \)
  echo /usr/bin/python3.11
  echo /usr/lib/python3/dist-packages/torch/bin/torch_shm_manager
} | while read -r f; do
  readlink -f "$f"
  ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r dep; do readlink -f "$dep"; done
done | sort -u > /tmp/keep-libs
find "/$libdir" \( -name '*.so' -o -name '*.so.*' \) \( -type f -o -type l \) ! -path '*/gconv/*' | while read -r lib; do
  case "$(basename "$lib")" in
    ld-linux*|libc.so*|libm.so*|libdl.so*|libpthread*|librt.so*|libnss_*|libresolv*|libutil*|libanl*|libBrokenLocale*|libmvec*|libthread_db*|libgcc_s*|libstdc++*|libz.so*) continue ;;
  esac
  grep -qxF "$(readlink -f "$lib")" /tmp/keep-libs || rm -f "$lib"
done
rm -rf "/$libdir/dri" "/$libdir/mfx" "/$libdir/vdpau" /tmp/keep-libs
INSIDE
