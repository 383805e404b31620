package dev.edgestack.balancer.vertx;

import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.http.ForwardedHeaders;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.Map;
import java.util.Optional;

/** Streams an upstream answer to the client, with end-to-end headers only. */
final class ResponseWriter {
  private ResponseWriter() {}

  /**
   * Writes status, headers and body, the body rewritten when {@code rewrite} applies to the answer.
   * The pipe does not end the response when the upstream body fails: a body cut short must reach
   * the client cut short, never as a complete shorter one.
   */
  static Future<Void> write(
      Exchange exchange,
      HttpClientResponse upstream,
      ForwardedHeaders forwarded,
      Optional<Map.Entry<String, String>> debugHeader,
      BodyRewrite rewrite) {
    HttpServerResponse response = exchange.request().response();
    Runnable writeHead =
        () -> {
          response.setStatusCode(upstream.statusCode());
          response.setStatusMessage(upstream.statusMessage());
          HopByHopHeaders.copyEndToEnd(upstream.headers(), response.headers());
          // Every tier echoes the id: set, not add, or the client sees it once per tier.
          response.headers().set(Exchange.REQUEST_ID, exchange.requestId());
          forwarded.applyToResponse(upstream.version(), response.headers());
          debugHeader.ifPresent(
              header -> response.headers().add(header.getKey(), header.getValue()));
        };
    boolean bodyless =
        exchange.request().method() == HttpMethod.HEAD
            || upstream.statusCode() == 204
            || upstream.statusCode() == 304;
    if (!bodyless && rewrite.appliesTo(upstream.statusCode(), upstream.headers())) {
      long declared = declaredLength(upstream.getHeader("Content-Length"));
      if (declared <= rewrite.maxBufferBytes()) {
        return BufferedRewrite.write(
            upstream, response, exchange.request().version(), rewrite, writeHead);
      }
      if (rewrite.overLimit() == BodyRewrite.OverLimit.FAIL) {
        upstream.request().reset();
        return Future.failedFuture(BufferedRewrite.overLimitFailure(rewrite));
      }
    }
    writeHead.run();
    if (!bodyless && upstream.getHeader("Content-Length") == null) {
      response.setChunked(exchange.request().version() != HttpVersion.HTTP_1_0);
    }
    return upstream.pipe().endOnFailure(false).to(response);
  }

  /** The declared body length; -1 (within any bound) when absent or malformed. */
  private static long declaredLength(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether the client request has a body to pipe. */
  static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length != null) {
      return !length.trim().equals("0");
    }
    return request.getHeader("Transfer-Encoding") != null
        || (request.version() == HttpVersion.HTTP_2 && !request.isEnded());
  }
}
