package dev.edgestack.runtime.failure;

import dev.edgestack.runtime.http.Exchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: status, {@code application/problem+json} body
 * (RFC 9457) with the request id, metric {@code edge_failures_total{kind}} and log level.
 */
public final class FailureResponder {
  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(FailureResponder.class);

  private final Map<FailureKind, Counter> counters = new EnumMap<>(FailureKind.class);

  public FailureResponder(MeterRegistry registry) {
    for (FailureKind kind : FailureKind.values()) {
      counters.put(
          kind,
          Counter.builder("edge_failures")
              .description("Requests answered with a failure, by kind")
              .tag("kind", kind.tag())
              .register(registry));
    }
  }

  /**
   * Maps any throwable to a failure: an {@link EdgeFailure} keeps its kind, others are internal.
   */
  public static EdgeFailure classify(Throwable error) {
    if (error instanceof EdgeFailure failure) {
      return failure;
    }
    if (error instanceof TimeoutException) {
      return EdgeFailure.of(FailureKind.UPSTREAM_TIMEOUT, "The upstream did not answer in time");
    }
    return EdgeFailure.of(FailureKind.INTERNAL, "Internal error", error);
  }

  /** Answers the exchange with the failure, unless an answer has already started. */
  public void respond(Exchange exchange, Throwable error) {
    EdgeFailure failure = record(exchange.requestId(), exchange.request().path(), error);
    FailureKind kind = failure.kind();
    exchange.failure(kind);
    HttpServerResponse response = exchange.request().response();
    if (response.closed() || exchange.aborted()) {
      return;
    }
    if (response.headWritten()) {
      // Too late for a clean answer: the client must see the response as incomplete, never as
      // a shorter complete one. HTTP/2 resets only this stream; HTTP/1 has to drop the connection.
      if (exchange.request().version() == HttpVersion.HTTP_2) {
        response.reset();
      } else {
        exchange.request().connection().close();
      }
      return;
    }
    response.setStatusCode(kind.status());
    failure.headers().forEach(response::putHeader);
    response
        .putHeader(HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON)
        .end(problem(failure, exchange.request().path(), exchange.requestId()));
  }

  /**
   * Counts and logs a failure of the request {@code requestId} to {@code path}, for listeners that
   * write the answer themselves; returns it classified.
   */
  public EdgeFailure record(String requestId, String path, Throwable error) {
    EdgeFailure failure = classify(error);
    counters.get(failure.kind()).increment();
    log(requestId, path, failure);
    return failure;
  }

  /** The problem+json body that answers {@code failure}. */
  public static Buffer problem(EdgeFailure failure, String path, String requestId) {
    FailureKind kind = failure.kind();
    return new JsonObject()
        .put("type", "urn:edge-stack:problem:" + kind.tag())
        .put("title", kind.title())
        .put("status", kind.status())
        .put("detail", failure.getMessage())
        .put("instance", path)
        .put("requestId", requestId)
        .toBuffer();
  }

  private static void log(String requestId, String path, EdgeFailure failure) {
    switch (failure.kind().severity()) {
      case CLIENT ->
          LOG.debug("{} {} -> {}: {}", requestId, path, failure.kind().tag(), failure.getMessage());
      case UPSTREAM ->
          LOG.warn("{} {} -> {}: {}", requestId, path, failure.kind().tag(), failure.getMessage());
      case INTERNAL -> LOG.error("{} {} -> internal error", requestId, path, failure);
    }
  }
}
