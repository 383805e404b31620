package dev.edgestack.runtime.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per request to the {@code access} logger when its response ends, or when the
 * connection closes before it does.
 */
public final class AccessLog {
  private static final Logger ACCESS = LoggerFactory.getLogger("access");

  private final String instance;

  public AccessLog(String instance) {
    this.instance = instance;
  }

  void write(Exchange exchange, boolean aborted) {
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
