package dev.edgestack.balancer.vertx;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a caller of {@link UpstreamPool#forward(dev.edgestack.runtime.http.Exchange, String,
 * java.util.function.Consumer, ForwardOptions)} adds to the pool's own limits: a total deadline,
 * counted from the start of the exchange, after which the upstream request (and any retry) is reset
 * and the caller gets a 504 failure; and a cap on the request body bytes actually streamed, for
 * bodies without a {@code Content-Length}, after which the upstream request is reset and the caller
 * gets a 413 failure.
 */
public record ForwardOptions(Optional<Duration> timeout, OptionalLong maxBodyBytes) {
  /** Only the pool's own limits. */
  public static final ForwardOptions NONE =
      new ForwardOptions(Optional.empty(), OptionalLong.empty());

  public ForwardOptions {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(maxBodyBytes, "maxBodyBytes");
    timeout.ifPresent(
        value -> {
          if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("timeout: " + value + " (expected: > 0)");
          }
        });
    if (maxBodyBytes.isPresent() && maxBodyBytes.getAsLong() < 0) {
      throw new IllegalArgumentException(
          "maxBodyBytes: " + maxBodyBytes.getAsLong() + " (expected: >= 0)");
    }
  }
}
