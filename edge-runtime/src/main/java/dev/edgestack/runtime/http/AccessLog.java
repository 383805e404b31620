package dev.edgestack.runtime.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an instance records of every request: one JSON line to the {@code access} logger when its
 * response ends, or when the connection closes before it does, and, when given, the {@link
 * ServerMetrics server meters}.
 */
public final class AccessLog {
  private static final Logger ACCESS = LoggerFactory.getLogger("access");

  private final String instance;
  private final ServerMetrics metrics;

  /** Writes the log lines only (tests, tools). */
  public AccessLog(String instance) {
    this(instance, null);
  }

  public AccessLog(String instance, ServerMetrics metrics) {
    this.instance = instance;
    this.metrics = metrics;
  }

  /** Counts the request in flight; what {@link #write} then needs to count it done, or null. */
  ServerMetrics.ByMethod started(HttpServerRequest request) {
    if (metrics == null) {
      return null;
    }
    ServerMetrics.ByMethod meters = metrics.of(request.method());
    meters.started();
    return meters;
  }

  void write(Exchange exchange, ServerMetrics.ByMethod meters, boolean aborted) {
    if (meters != null) {
      if (aborted) {
        meters.abandoned();
      } else {
        meters.finished(
            exchange.request().response().getStatusCode(),
            System.nanoTime() - exchange.startNanos());
      }
    }
    if (!ACCESS.isInfoEnabled()) {
      return;
    }
    var request = exchange.request();
    HttpServerResponse response = request.response();
    int status = response.getStatusCode();
    long bytes = response.bytesWritten();
    JsonObject line =
        new JsonObject()
            .put("ts", Instant.now().toString())
            .put("instance", instance)
            .put("requestId", exchange.requestId())
            .put("traceId", exchange.trace().traceId())
            .put("method", request.method().name())
            .put("path", request.path())
            .put("status", status)
            .put("durationMs", (System.nanoTime() - exchange.startNanos()) / 1_000_000.0)
            .put("bytesSent", bytes)
            .put(
                "client",
                request.remoteAddress() == null ? null : request.remoteAddress().hostAddress());
    if (exchange.upstream() != null) {
      line.put("upstream", exchange.upstream());
    }
    if (exchange.failure() != null) {
      line.put("failure", exchange.failure().tag());
    }
    if (aborted) {
      line.put("aborted", true);
    }
    ACCESS.info(line.encode());
  }
}
