#!/usr/bin/env bash
# Fetch the Apache RocketMQ jars (name server, broker, mqadmin tools, Java client) of one version from
# Maven Central into <repo>/.cache/rocketmq/<version>/lib, for the interop test harness
# (test/interop/support/apache-rocketmq.ts).
#
#   scripts/fetch-rocketmq.sh <version>          e.g. 5.5.1 or 4.9.8
#
# Idempotent: when <lib>/.complete exists and every jar it lists is present, nothing is done.
# Concurrent runs for the same version are serialised with flock(1) when it is available.
#
# Environment:
#   ROCKETMQ_CACHE_DIR          cache root (default: <repo>/.cache/rocketmq)
#   MVN                         maven executable (default: mvn)
#   FETCH_ROCKETMQ_MAVEN_ARGS   extra maven arguments, e.g. "-Dmaven.repo.local=/tmp/m2"
#
# Note: 5.5.1 and 4.9.8 are partial releases on Maven Central; the pom maps the missing modules to
# the nearest published patch release (see test/interop/java/pom.xml). lib/VERSIONS.txt lists the jars.
set -euo pipefail

fail() {
  echo "fetch-rocketmq: ERROR: $*" >&2
  exit 1
}

[[ $# -eq 1 && -n "${1:-}" ]] || fail "usage: $0 <rocketmq-version>   (e.g. 5.5.1 or 4.9.8)"
VERSION="$1"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.-][A-Za-z0-9.-]+)?$ ]] || fail "'$VERSION' does not look like a RocketMQ version"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
POM="$REPO_ROOT/test/interop/java/pom.xml"
CACHE_ROOT="${ROCKETMQ_CACHE_DIR:-$REPO_ROOT/.cache/rocketmq}"
VERSION_DIR="$CACHE_ROOT/$VERSION"
LIB_DIR="$VERSION_DIR/lib"
MARKER="$LIB_DIR/.complete"
MVN="${MVN:-mvn}"

[[ -f "$POM" ]] || fail "pom not found: $POM"

is_complete() {
  [[ -f "$MARKER" ]] || return 1
  local jar
  while IFS= read -r jar; do
    [[ -z "$jar" || "$jar" == \#* ]] && continue
    [[ -s "$LIB_DIR/$jar" ]] || return 1
  done <"$MARKER"
  return 0
}

if is_complete; then
  echo "fetch-rocketmq: RocketMQ $VERSION already fetched ($LIB_DIR, $(grep -vc '^#' "$MARKER") jars)"
  exit 0
fi

mkdir -p "$VERSION_DIR"

# Serialise concurrent fetches of the same version (e.g. parallel jest workers).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$VERSION_DIR/.fetch.lock"
  if ! flock -n 9; then
    echo "fetch-rocketmq: another fetch of $VERSION is running, waiting for it..."
    flock 9
  fi
  if is_complete; then
    echo "fetch-rocketmq: RocketMQ $VERSION already fetched by a concurrent run ($LIB_DIR)"
    exit 0
  fi
fi

command -v "$MVN" >/dev/null 2>&1 || fail "maven ('$MVN') not found on PATH; install Maven 3.x or set MVN"
command -v java >/dev/null 2>&1 || fail "java not found on PATH (the harness needs a JDK, 17 recommended)"

TMP_LIB="$VERSION_DIR/lib.tmp.$$"
MVN_LOG="$VERSION_DIR/fetch.log"
rm -rf "$TMP_LIB"
trap 'rm -rf "$TMP_LIB"' EXIT

echo "fetch-rocketmq: resolving RocketMQ $VERSION from Maven (may take a few minutes with a cold ~/.m2)..."
start=$(date +%s)
# shellcheck disable=SC2086
if ! "$MVN" -B -q -Dstyle.color=never -f "$POM" -Drocketmq.version="$VERSION" \
  ${FETCH_ROCKETMQ_MAVEN_ARGS:-} \
  dependency:copy-dependencies -DoutputDirectory="$TMP_LIB" >"$MVN_LOG" 2>&1; then
  echo "fetch-rocketmq: maven output (last 30 lines of $MVN_LOG):" >&2
  tail -n 30 "$MVN_LOG" | sed "s/\x1b\[[0-9;]*m//g" >&2
  fail "could not resolve RocketMQ $VERSION from Maven Central (see $MVN_LOG). Is the version published?"
fi
echo "fetch-rocketmq: maven finished in $(($(date +%s) - start))s"

# Sanity checks: the four entry points must be present.
check_jar() {
  local prefix="$1" cls="$2" found
  found=$(find "$TMP_LIB" -maxdepth 1 -name "${prefix}-[0-9]*.jar" | head -n 1)
  [[ -n "$found" ]] || fail "incomplete classpath: no ${prefix}-*.jar in $TMP_LIB"
  if command -v unzip >/dev/null 2>&1; then
    unzip -l "$found" "$cls" >/dev/null 2>&1 || fail "$(basename "$found") does not contain $cls"
  fi
}
check_jar rocketmq-namesrv org/apache/rocketmq/namesrv/NamesrvStartup.class
check_jar rocketmq-broker org/apache/rocketmq/broker/BrokerStartup.class
check_jar rocketmq-tools org/apache/rocketmq/tools/command/MQAdminStartup.class
check_jar rocketmq-client org/apache/rocketmq/client/producer/DefaultMQProducer.class

count=$(find "$TMP_LIB" -maxdepth 1 -name '*.jar' | wc -l)
(
  echo "# RocketMQ $VERSION harness classpath, fetched $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# org.apache.rocketmq jars (5.5.1 / 4.9.8 mix patch versions, see test/interop/java/pom.xml):"
  (cd "$TMP_LIB" && ls rocketmq-*.jar | sed 's/^/#   /')
) >"$TMP_LIB/VERSIONS.txt"
(
  echo "# complete: jars of this directory; delete this file to force a re-fetch"
  (cd "$TMP_LIB" && ls -1 ./*.jar | sed 's#^\./##')
) >"$TMP_LIB/.complete.tmp"

rm -rf "$LIB_DIR"
mv "$TMP_LIB" "$LIB_DIR"
mv "$LIB_DIR/.complete.tmp" "$MARKER"
trap - EXIT

echo "fetch-rocketmq: RocketMQ $VERSION ready: $count jars in $LIB_DIR"
grep '^#   ' "$LIB_DIR/VERSIONS.txt" | sed 's/^#  /fetch-rocketmq:  /'
