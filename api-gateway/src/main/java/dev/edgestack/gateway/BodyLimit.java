package dev.edgestack.gateway;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import java.util.List;

/**
 * Rejects, before any byte of the body is read, a request whose declared {@code Content-Length}
 * exceeds the route's {@code maxBodyBytes} (413). A malformed or repeated {@code Content-Length} is
 * a 400.
 */
final class BodyLimit {
  private BodyLimit() {}

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
