package dev.edgestack.gateway;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import java.util.OptionalLong;

/**
 * Rejects, before any byte of the body is read, a request whose declared {@code Content-Length}
 * exceeds the route's {@code maxBodyBytes} (413). A malformed or repeated {@code Content-Length} is
 * a 400.
 */
final class BodyLimit {
  private BodyLimit() {}

  static Future<GatewayRequest> check(GatewayRequest request) {
    OptionalLong limit = request.route().maxBodyBytes();
    if (limit.isEmpty()) {
      return Future.succeededFuture(request);
    }
    return check(request.request().headers().getAll("Content-Length"), limit.getAsLong())
        .recover(
            error -> {
              // Without this, answering would drain the whole oversized body on HTTP/1.1.
              if (error instanceof EdgeFailure failure
                  && failure.kind() == FailureKind.PAYLOAD_TOO_LARGE
                  && request.request().version() != HttpVersion.HTTP_2) {
                return Future.failedFuture(failure.withHeader("Connection", "close"));
              }
              return Future.failedFuture(error);
            })
        .map(request);
  }

  static Future<Void> check(List<String> contentLengths, long limit) {
    if (contentLengths.isEmpty()) {
      return Future.succeededFuture();
    }
    if (contentLengths.size() > 1) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.BAD_REQUEST, "More than one Content-Length"));
    }
    String text = contentLengths.get(0).trim();
    if (!text.matches("\\d{1,18}")) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.BAD_REQUEST, "Malformed Content-Length"));
    }
    if (Long.parseLong(text) > limit) {
      return Future.failedFuture(
          EdgeFailure.of(
              FailureKind.PAYLOAD_TOO_LARGE,
              "The request body is larger than this route's limit of " + limit + " bytes"));
    }
    return Future.succeededFuture();
  }
}
