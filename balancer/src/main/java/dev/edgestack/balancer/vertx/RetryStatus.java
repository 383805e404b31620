package dev.edgestack.balancer.vertx;

import io.vertx.core.http.HttpClientResponse;

/** An answer read and dropped so that the request is tried on another endpoint. */
final class RetryStatus extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;

  RetryStatus(HttpClientResponse response) {
    super("status " + response.statusCode(), null, false, false);
    this.status = response.statusCode();
  }
}
