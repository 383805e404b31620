# syntax=docker/dockerfile:1
# One image for every deployable of the edge stack (see docs/containers.md):
#   docker build -t edge-stack:local .
#   docker run --rm edge-stack:local edge-lb --config config/edge-lb.yaml
# The deployable is the first argument (edge-lb, api-gateway, internal-lb, sample-services) or,
# without arguments, $EDGE_DEPLOYABLE; --config defaults to $EDGE_CONFIG.

# Build stage: the same Maven build as on a workstation, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -DskipTests package

# Runtime stage: a JRE, the runnable jars, a non-root user.
FROM eclipse-temurin:17-jre-noble
RUN groupadd --system --gid 10001 edge \
 && useradd --system --uid 10001 --gid edge --home-dir /app --shell /usr/sbin/nologin edge \
 && mkdir -p /app/bin /app/lib /app/config /app/run/keys \
 && chown -R edge:edge /app/run
WORKDIR /app
COPY --from=build /src/edge-lb/target/edge-lb.jar /app/lib/edge-lb.jar
COPY --from=build /src/api-gateway/target/api-gateway.jar /app/lib/api-gateway.jar
COPY --from=build /src/internal-lb/target/internal-lb.jar /app/lib/internal-lb.jar
COPY --from=build /src/sample-services/target/sample-services.jar /app/lib/sample-services.jar
# The demo config; compose mounts ./config over it and Kubernetes mounts a ConfigMap.
COPY config /app/config
COPY deploy/docker/entrypoint.sh /app/bin/entrypoint
COPY deploy/docker/healthcheck.sh /app/bin/healthcheck
RUN chmod 0755 /app/bin/entrypoint /app/bin/healthcheck

# Heap as a share of the container's memory limit, not of the host's memory; exit on OOM so that
# the platform restarts the container; return the C heap glibc keeps after C2 compilations and keep
# compiled code that runs only now and then, as the launcher does (docs/memory.md). The Hazelcast
# flags are added by the entry point.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=25.0 -XX:+ExitOnOutOfMemoryError -Xss512k -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:-UseCodeCacheFlushing" \
    EDGE_BIND=0.0.0.0

USER 10001:10001
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 CMD ["/app/bin/healthcheck"]
ENTRYPOINT ["/app/bin/entrypoint"]
