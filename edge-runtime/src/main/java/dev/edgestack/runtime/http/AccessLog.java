package dev.edgestack.runtime.http;

import dev.edgestack.runtime.failure.FailureKind;
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
    return started(request.method().name());
  }

  /**
   * For listeners without an {@link Exchange}: counts a request of {@code method} in flight, and
   * returns what {@link #write(Entry, ServerMetrics.ByMethod)} needs to count it done, or null.
   */
  public ServerMetrics.ByMethod started(String method) {
    if (metrics == null) {
      return null;
    }
    ServerMetrics.ByMethod meters = metrics.of(method);
    meters.started();
    return meters;
  }

  void write(Exchange exchange, ServerMetrics.ByMethod meters, boolean aborted) {
    var request = exchange.request();
    HttpServerResponse response = request.response();
    if (meters == null && !ACCESS.isInfoEnabled()) {
      return;
    }
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
            aborted),
        meters);
  }

  /** Counts a request done in the meters {@link #started} gave, and writes its line. */
  public void write(Entry entry, ServerMetrics.ByMethod meters) {
    count(meters, entry.status(), entry.startNanos(), entry.aborted());
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

  /**
   * Counts a request done in the meters {@link #started} gave (none when null), without writing a
   * line: for listeners that build an {@link Entry} only when {@link #writesLines()}.
   */
  public void count(ServerMetrics.ByMethod meters, int status, long startNanos, boolean aborted) {
    if (meters != null) {
      if (aborted) {
        meters.abandoned();
      } else {
        meters.finished(status, System.nanoTime() - startNanos);
      }
    }
  }

  /** Whether {@link #write} writes lines at all (the {@code access} logger's level is INFO). */
  public boolean writesLines() {
    return ACCESS.isInfoEnabled();
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
