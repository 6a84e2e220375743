#!/usr/bin/env bash
# Runs Winnow's whole test suite from a fresh clone; exits non-zero when any test fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The experiment report is checked in a real headless browser: Debian's chromium, installed here when missing
# (as root, with apt); where it cannot be had, that one test is reported as skipped with the reason.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test.sh: installing Debian's chromium for the report's browser test…" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
    || echo "test.sh: chromium could not be installed; the browser test will be skipped" >&2
fi
# Sharded scoring is run on a real single-node Slurm cluster (tests/cluster/slurm-cluster.sh starts it under a
# temporary folder and stops it by its pids): Debian's slurmctld, slurmd, slurm-client and munge, installed here
# when missing (as root, with apt); where they cannot be had, that one test is reported as skipped with the reason.
if { [ ! -x /usr/sbin/slurmctld ] || [ ! -x /usr/sbin/slurmd ] || [ ! -x /usr/sbin/munged ] || ! command -v sbatch >/dev/null 2>&1; } \
    && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test.sh: installing Debian's Slurm (slurmctld, slurmd, slurm-client, munge) for the cluster test…" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge; } >/dev/null 2>&1 \
    || echo "test.sh: Slurm could not be installed; the cluster test will be skipped" >&2
fi
# The Kubernetes manifests are checked against Kubernetes' OpenAPI schemas by the npm package kubernetes-models
# (tests/k8s: package.json and its lock); installed here with npm ci when the lock changed since the last install.
# Where npm is missing or the install fails, those tests are reported as skipped with the reason.
k8s="$root/tests/k8s"
if ! cmp -s "$k8s/package-lock.json" "$k8s/node_modules/.winnow-installed-lock"; then
  if command -v npm >/dev/null 2>&1; then
    echo "test.sh: installing the npm packages of the Kubernetes schema check (tests/k8s)…" >&2
    if (cd "$k8s" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then cp "$k8s/package-lock.json" "$k8s/node_modules/.winnow-installed-lock"
    else echo "test.sh: npm ci failed in tests/k8s; the Kubernetes schema tests will be skipped" >&2; fi
  else
    echo "test.sh: npm is not installed; the Kubernetes schema tests will be skipped" >&2
  fi
fi
results="$root/.build/test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
dotnet test Winnow.slnx -c Release --logger "trx" --results-directory "$results" "$@" || status=$?
# One closing line over all test assemblies, summed from the TRX files.
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$c"); passed=$((passed + ${p:-0}))
  x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$c"); failed=$((failed + ${x:-0}))
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$c"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$c"); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
echo "Winnow: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "test.sh: no test ran" >&2; exit 1; fi
exit "$status"
