package dev.edgestack.runtime.http;

import dev.edgestack.runtime.failure.FailureKind;
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
    write(
        new Entry(
            exchange.requestId(),
            exchange.trace().traceId(),
            request.method().name(),
            request.path(),
            response.getStatusCode(),
            exchange.startNanos(),
            response.bytesWritten(),
            request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
            exchange.upstream(),
            exchange.failure(),
            aborted));
  }

  /** Whether lines are written at all, so callers can skip gathering an entry. */
  public boolean enabled() {
    return ACCESS.isInfoEnabled();
  }

  /** Writes one line for a request a listener served without an {@link Exchange}. */
  public void write(Entry entry) {
    if (!ACCESS.isInfoEnabled()) {
      return;
    }
    JsonObject line =
        new JsonObject()
            .put("ts", Instant.now().toString())
            .put("instance", instance)
            .put("requestId", entry.requestId())
            .put("traceId", entry.traceId())
            .put("method", entry.method())
            .put("path", entry.path())
            .put("status", entry.status())
            .put("durationMs", (System.nanoTime() - entry.startNanos()) / 1_000_000.0)
            .put("bytesSent", entry.bytesSent())
            .put("client", entry.client());
    if (entry.upstream() != null) {
      line.put("upstream", entry.upstream());
    }
    if (entry.failure() != null) {
      line.put("failure", entry.failure().tag());
    }
    if (entry.aborted()) {
      line.put("aborted", true);
    }
    ACCESS.info(line.encode());
  }

  /** What one access-log line says about a request. */
  public record Entry(
      String requestId,
      String traceId,
      String method,
      String path,
      int status,
      long startNanos,
      long bytesSent,
      String client,
      String upstream,
      FailureKind failure,
      boolean aborted) {}
}
