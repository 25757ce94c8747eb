# Installs what Tandem's build needs, idempotently; sourced by scripts/run and scripts/test.
# Only crates.io, npm, Debian and the Rust distribution are reachable, so nothing here
# downloads prebuilt binaries from elsewhere.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

ensure_rust_tools() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  # The wasm-bindgen CLI must equal the crate's version to the patch. It is the only tool
  # built from source (about 2 minutes, once); the site is built by `build_site` below
  # with plain cargo, so cargo-leptos is needed only for `cargo leptos watch`.
  local want
  want="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
  if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $want" ]; then
    say "building wasm-bindgen-cli $want (a few minutes, once)"
    # A tool run once per build needs no link-time optimisation: this halves its build.
    export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
    cargo install wasm-bindgen-cli --version "$want" --locked --force \
      || cargo install wasm-bindgen-cli --version "$want" --force
    unset CARGO_PROFILE_RELEASE_LTO CARGO_PROFILE_RELEASE_CODEGEN_UNITS
  fi
}

# Builds what `cargo leptos build` builds, into the same places: the browser's WebAssembly
# (target/front, bound by wasm-bindgen into target/site/pkg/tandem.<hash>.js and .wasm),
# the stylesheet (target/site/pkg/tandem.<hash>.css), the public assets (target/site), and the
# server binary (target/debug or target/release/tandem). `build_site release` builds the
# size-optimised WebAssembly (profile wasm-release, then wasm-opt -Oz) and a release server.
# Debug builds carry `--cfg erase_components`, as cargo-leptos gives them, so `cargo test`
# and clippy reuse the same artifacts.
build_site() {
  local mode="${1:-debug}" site="$ROOT/target/site"
  local pkg="$site/pkg" flags="--cfg erase_components" out=debug
  local front=(--no-default-features) server=()
  if [ "$mode" = release ]; then
    flags="" out=wasm-release front+=(--profile wasm-release) server=(--release)
  fi
  mkdir -p "$pkg"
  leptos_env
  RUSTFLAGS="$flags" cargo build -p frontend --lib --target wasm32-unknown-unknown \
    --target-dir "$ROOT/target/front" "${front[@]}"
  wasm-bindgen --target web --no-typescript --out-name tandem --out-dir "$pkg" \
    "$ROOT/target/front/wasm32-unknown-unknown/$out/frontend.wasm"
  # Leptos's hydration script loads pkg/tandem.wasm when LEPTOS_OUTPUT_NAME was set.
  mv "$pkg/tandem_bg.wasm" "$pkg/tandem.wasm"
  if [ "$mode" = release ]; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      "$pkg/tandem.wasm" -o "$pkg/tandem.wasm"
  fi
  cp "$ROOT/style/main.css" "$pkg/tandem.css"
  # Named after their content (tandem.<16 hex digits>.wasm, .js, .css), so browsers keep
  # them for a year and a deploy is new names; the server reads the stem from tandem.stem
  # (server/src/assets.rs). The previous build's files and compressed copies go.
  local stem
  stem="tandem.$(cat "$pkg/tandem.wasm" "$pkg/tandem.js" "$pkg/tandem.css" | sha256sum | cut -c1-16)"
  find "$pkg" -maxdepth 1 -regextype posix-extended \
    -regex '.*/tandem\.[0-9a-f]{16}\.(wasm|js|css)' -delete
  rm -f "$pkg"/*.br "$pkg"/*.gz
  for ext in wasm js css; do mv "$pkg/tandem.$ext" "$pkg/$stem.$ext"; done
  if [ "$mode" = release ]; then
    # The copies the server sends to browsers that accept them (server/src/assets.rs),
    # compressed once here at the highest settings instead of on every request.
    ensure_brotli
    for ext in wasm js css; do
      brotli -q 11 -f -k "$pkg/$stem.$ext"
      gzip -9 -f -k "$pkg/$stem.$ext"
    done
  fi
  echo "$stem" > "$pkg/tandem.stem"
  cp -r "$ROOT/public/." "$site/"
  RUSTFLAGS="$flags" cargo build -p server --bin tandem --no-default-features "${server[@]}"
}

ensure_node_tools() {
  # Playwright and the wasm-opt from npm's binaryen (Debian's is too old to run our WASM).
  if [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ ! -x "$ROOT/end2end/node_modules/.bin/playwright" ] \
     || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    say "installing the end-to-end tools from npm"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
  export PATH="$ROOT/end2end/node_modules/.bin:$PATH"
}

# A real SMTP server for the mail tests (aiosmtpd, from PyPI), in a virtualenv of its own.
ensure_python_tools() {
  local py="$ROOT/target/py/bin/python"
  if ! "$py" -c 'import aiosmtpd' 2>/dev/null; then
    say "installing the mail tests' SMTP server (aiosmtpd) into target/py"
    python3 -m venv "$ROOT/target/py"
    "$ROOT/target/py/bin/pip" install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6'
  fi
  export TANDEM_TEST_PYTHON="$py"
}

# A real IMAP server for the mailbox tests: Debian's Dovecot (the tests start their own
# instance on a free port; the package's service is not used).
ensure_dovecot() {
  if [ ! -x /usr/sbin/dovecot ] || [ ! -x /usr/lib/dovecot/dovecot-lda ]; then
    say "installing Debian's Dovecot for the mailbox tests"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q dovecot-imapd
  fi
}

# The brotli compressor for the release build's precompressed files.
ensure_brotli() {
  if ! command -v brotli >/dev/null; then
    say "installing brotli"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q brotli
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's Chromium"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
  fi
}

# The compile-time environment of `build_site` (the one cargo-leptos uses too), so that
# `cargo test` reuses its artifacts instead of rebuilding every crate.
leptos_env() {
  export LEPTOS_OUTPUT_NAME=tandem
  export LEPTOS_SITE_ROOT=target/site
  export LEPTOS_SITE_PKG_DIR=pkg
  export LEPTOS_HASH_FILES=false
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# The Playwright suite (Chromium, phone and desktop) against the server binary $1, on
# free ports, with the site the last build_site wrote.
e2e_suite() {
  local bin="$1" port smtp_port
  port="$(free_port)"
  smtp_port="$(free_port)"
  (cd "$ROOT/end2end" && TANDEM_E2E_PORT="$port" TANDEM_E2E_SMTP_PORT="$smtp_port" \
    TANDEM_E2E_RUN="$$" TANDEM_BIN="$bin" npx playwright test)
}
