#!/usr/bin/env bash
# Installs the system packages the test suite needs, where it is allowed to (root with
# apt-get): Debian's chromium for the browser tests, PostgreSQL's server binaries for the
# store tests (usually already on the image), and axe-core (npm) for the accessibility checks. Elsewhere it says what is missing; the tests that need it skip with
# that reason, except under CI=true, where they fail.
set -u
need_chromium=0
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_chromium=1
if [ "$need_chromium" = 1 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing chromium (Debian package)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "system-deps: could not install chromium; browser tests will not run"
  else
    echo "system-deps: chromium is missing and this user cannot install it (sudo apt-get install chromium); browser tests will skip"
  fi
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing postgresql (Debian package) for the store tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
      || echo "system-deps: could not install postgresql; PostgreSQL store tests will not run"
  else
    echo "system-deps: PostgreSQL server binaries are missing (sudo apt-get install postgresql); PostgreSQL store tests will skip"
  fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    npm install --no-save --no-audit --no-fund --silent axe-core@4 >/dev/null 2>&1 \
      || echo "system-deps: could not install axe-core from npm; accessibility checks will not run"
  else
    echo "system-deps: npm is missing; accessibility checks will not run"
  fi
fi
exit 0
