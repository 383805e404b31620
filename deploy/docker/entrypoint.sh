#!/usr/bin/env bash
# Entry point of the edge-stack image: runs one deployable with its config file.
#
#   entrypoint DEPLOYABLE [--config FILE] [more arguments for the deployable]
#   entrypoint                      # DEPLOYABLE from $EDGE_DEPLOYABLE, FILE from $EDGE_CONFIG
#
# DEPLOYABLE is one of edge-lb, api-gateway, internal-lb, sample-services (the service a
# sample-services container runs is chosen by its config file). Each instance needs a unique
# name: when EDGE_INSTANCE is unset it becomes ${EDGE_INSTANCE_PREFIX}$(hostname), the container
# id under compose and the pod name under Kubernetes, so that scaled replicas differ.
set -euo pipefail

deployable="${EDGE_DEPLOYABLE:-}"
if [[ $# -gt 0 && "$1" != -* ]]; then
  deployable="$1"
  shift
fi
case "$deployable" in
  edge-lb|api-gateway|internal-lb|sample-services) ;;
  *)
    echo "entrypoint: unknown deployable '${deployable}' (expected: edge-lb, api-gateway, internal-lb or sample-services as the first argument or in EDGE_DEPLOYABLE)" >&2
    exit 64
    ;;
esac
jar="/app/lib/${deployable}.jar"

args=("$@")
has_config=false
for arg in "${args[@]}"; do
  [[ "$arg" == "--config" ]] && has_config=true
done
if [[ "$has_config" == false ]]; then
  if [[ -z "${EDGE_CONFIG:-}" ]]; then
    echo "entrypoint: no config file (expected: --config FILE, or EDGE_CONFIG)" >&2
    exit 64
  fi
  args+=("--config" "$EDGE_CONFIG")
fi

if [[ -z "${EDGE_INSTANCE:-}" ]]; then
  EDGE_INSTANCE="${EDGE_INSTANCE_PREFIX:-}$(hostname)"
  export EDGE_INSTANCE
fi

# The same flags as the launcher (stack/.../JavaCommand.java): Netty's pinned-memory count off,
# then Hazelcast's; heap sizing comes from JAVA_OPTS (a percentage of the container's memory
# limit), not from -Xmx.
hazelcast_flags=(
  -Dio.netty.trackPinnedMemory=false
  -Dhazelcast.phone.home.enabled=false
  -Dhazelcast.logging.type=slf4j
  --add-modules java.se
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
)

# exec: the JVM becomes PID 1 and receives SIGTERM itself, so that it drains before it stops.
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options by design
exec java ${JAVA_OPTS:-} "${hazelcast_flags[@]}" -jar "$jar" "${args[@]}"
