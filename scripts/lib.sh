# Shared by scripts/start and scripts/test: install what is missing, fast when nothing is.
# Every step checks first, so a warm machine pays almost nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
t0=$SECONDS
step() { echo "== [$((SECONDS - t0))s] $*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages the desktop needs to build and run (Tauri v2 = WebKitGTK 4.1), and a CJK font:
# the UI is Chinese by default and a bare server image has none (every character shows as a box).
BUILD_PKGS=(build-essential pkg-config curl file libssl-dev libwebkit2gtk-4.1-dev librsvg2-dev
            libayatana-appindicator3-dev libxdo-dev fonts-noto-cjk)
# What the tests need besides: a virtual display, the WebKit WebDriver, Python for the e2e driver,
# and a PostgreSQL server for the relay's store tests (started on loopback by scripts/postgres.sh).
TEST_PKGS=(xvfb xauth webkit2gtk-driver python3-venv postgresql)

ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  step "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_rust() {
  command -v cargo >/dev/null && return 0
  step "installing Rust with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
}

ensure_node() {
  local major=0
  command -v node >/dev/null && major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    ensure_apt nodejs npm
    major=$(node -p 'process.versions.node.split(".")[0]')
    [ "$major" -ge 20 ] || { echo "Node.js >= 20 is needed (found $(node --version)); install it from nodejs.org or NodeSource." >&2; exit 1; }
  fi
}

ensure_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  step "cargo install tauri-driver"
  cargo install tauri-driver --locked --version '^2' --quiet   # ^2: the registry's newest is a 3.0 alpha
}

# npm ci refuses our lock file (the registry lacks some platform packages), npm install keeps it as is.
ensure_ui_deps() {
  if [ ! -d "$ROOT/ui/node_modules" ] || [ "$ROOT/ui/package-lock.json" -nt "$ROOT/ui/node_modules/.package-lock.json" ]; then
    step "npm install (ui)"
    (cd "$ROOT/ui" && npm install --no-audit --no-fund --loglevel=error)
  fi
}

# ui/dist must exist before anything compiles src-tauri: the window embeds it.
build_ui() {
  ensure_ui_deps
  step "build the UI"
  (cd "$ROOT/ui" && npm run --silent build)
}
