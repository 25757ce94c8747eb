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
  # The WebAssembly splitter (scripts/wasm-split), rebuilt when its source changes.
  local split_src="$ROOT/scripts/wasm-split" split_bin="$HOME/.cargo/bin/tandem-wasm-split"
  if [ ! -x "$split_bin" ] || [ -n "$(find "$split_src/src" "$split_src/Cargo.toml" \
       "$split_src/Cargo.lock" -newer "$split_bin" 2>/dev/null)" ]; then
    say "building the WebAssembly splitter (about a minute, once)"
    CARGO_TARGET_DIR="$ROOT/target/wasm-split" cargo install --path "$split_src" --locked --force
  fi
}

# Builds the site into target/site: the browser's WebAssembly (target/front), cut at the
# lazy routes (app::pages::lazy) by tandem-wasm-split into a main module, a file per group
# of pages and files for the code groups share, bound by wasm-bindgen; the stylesheet; the
# public assets; and the server binary (target/debug or target/release/tandem). `build_site release` builds the size-optimised
# WebAssembly (profile wasm-release, then wasm-opt -Oz on every piece) and a release server.
# Debug builds carry `--cfg erase_components`, as cargo-leptos gives them, so `cargo test`
# and clippy reuse the same artifacts.
#
# The browser's files of one build sit in a folder named after their content,
# target/site/pkg/<16 hex digits>/ (tandem.js, tandem.wasm, tandem.css, the loader
# __wasm_split.*.js, split_*.wasm, chunk_*.wasm), so browsers keep them for a year and a
# deploy is new addresses; the server reads the folder's name from pkg/build
# (server/src/assets.rs). The previous build's folder goes.
build_site() {
  local mode="${1:-debug}" site="$ROOT/target/site"
  local pkg="$site/pkg" flags="--cfg erase_components" out=debug
  local front=(--no-default-features) server=()
  if [ "$mode" = release ]; then
    flags="" out=wasm-release front+=(--profile wasm-release) server=(--release)
  fi
  leptos_env
  # --emit-relocs: the splitter needs the linker's relocations to move code between files.
  # (erase_components must be the same on both sides: an erased browser build cannot
  # hydrate a concrete server's pages; docs/benchmarks.md.)
  RUSTFLAGS="$flags -Clink-args=--emit-relocs" cargo build -p frontend --lib \
    --target wasm32-unknown-unknown --target-dir "$ROOT/target/front" "${front[@]}"
  local stage="$ROOT/target/front/stage"
  rm -rf "$stage"
  tandem-wasm-split "$ROOT/target/front/wasm32-unknown-unknown/$out/frontend.wasm" "$stage" tandem
  # The split main module still exports what the route files import from it.
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-name tandem --out-dir "$stage" "$stage/tandem.wasm"
  # The page's bootstrap (app::components::hydration) loads <pkg>/tandem.wasm.
  mv "$stage/tandem_bg.wasm" "$stage/tandem.wasm"
  if [ "$mode" = release ]; then
    local piece
    for piece in "$stage"/*.wasm; do
      wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$piece" -o "$piece"
    done
  fi
  cp "$ROOT/style/main.css" "$stage/tandem.css"
  local build
  build="$(cd "$stage" && find . -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)"
  mkdir -p "$pkg"
  find "$pkg" -mindepth 1 -maxdepth 1 -regextype posix-extended -regex '.*/[0-9a-f]{16}' \
    -type d -exec rm -rf {} +
  rm -f "$pkg"/tandem.* "$pkg"/*.br "$pkg"/*.gz
  mv "$stage" "$pkg/$build"
  if [ "$mode" = release ]; then
    # The copies the server sends to browsers that accept them (server/src/assets.rs),
    # compressed once here at the highest settings instead of on every request.
    ensure_brotli
    local file
    for file in "$pkg/$build"/*.wasm "$pkg/$build"/*.js "$pkg/$build"/*.css; do
      brotli -q 11 -f -k "$file"
      gzip -9 -f -k "$file"
    done
  fi
  echo "$build" > "$pkg/build"
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
    apt_install dovecot-imapd
  fi
}

# Installs Debian packages, as root or through sudo.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
}

# The brotli compressor for the release build's precompressed files.
ensure_brotli() {
  if ! command -v brotli >/dev/null; then
    say "installing brotli"
    apt_install brotli
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's Chromium"
    apt_install chromium
  fi
}

# Chinese fonts, which a phone in China has: without them Chromium draws the customers'
# names as boxes (the Lighthouse bench lays out pages as a phone would).
ensure_cjk_fonts() {
  if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    say "installing Chinese fonts (Noto CJK)"
    apt_install fonts-noto-cjk
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
