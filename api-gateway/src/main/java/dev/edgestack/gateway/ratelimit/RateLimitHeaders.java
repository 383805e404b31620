package dev.edgestack.gateway.ratelimit;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of
 * draft-ietf-httpapi-ratelimit-headers-09 ({@code "name";q=60;w=60} and {@code "name";r=59;t=1}),
 * and the 429 answer with {@code Retry-After}. {@code t} is the number of seconds until the
 * policy's full quota is available again.
 */
public final class RateLimitHeaders {
  public static final String POLICY = "RateLimit-Policy";
  public static final String LIMIT = "RateLimit";
  public static final String RETRY_AFTER = "Retry-After";

  private RateLimitHeaders() {}

  /** Sets both fields on a response that was admitted. */
  public static void apply(List<RateLimitStatus> statuses, MultiMap headers) {
    if (statuses.isEmpty()) {
      return;
    }
    headers.set(POLICY, policyField(statuses));
    String limit = limitField(statuses);
    if (!limit.isEmpty()) {
      headers.set(LIMIT, limit);
    }
  }

  /** The 429 failure for {@code rejected}, carrying the fields of every policy evaluated. */
  static EdgeFailure rejected(RateLimitStatus rejected, List<RateLimitStatus> statuses) {
    EdgeFailure failure =
        EdgeFailure.of(
                FailureKind.RATE_LIMITED,
                "Rate limit " + rejected.policy().name() + " exceeded; retry later")
            .withHeader(RETRY_AFTER, Long.toString(Math.max(1, rejected.retryAfterSeconds())))
            .withHeader(POLICY, policyField(statuses));
    String limit = limitField(statuses);
    return limit.isEmpty() ? failure : failure.withHeader(LIMIT, limit);
  }

  static String policyField(List<RateLimitStatus> statuses) {
    return statuses.stream()
        .map(
            s ->
                "\""
                    + s.policy().name()
                    + "\";q="
                    + s.policy().limit()
                    + ";w="
                    + ceilSeconds(s.policy().period()))
        .collect(Collectors.joining(", "));
  }

  static String limitField(List<RateLimitStatus> statuses) {
    return statuses.stream()
        .filter(RateLimitStatus::known)
        .map(s -> "\"" + s.policy().name() + "\";r=" + s.remaining() + ";t=" + s.resetSeconds())
        .collect(Collectors.joining(", "));
  }

  private static long ceilSeconds(java.time.Duration period) {
    long millis = period.toMillis();
    return (millis + 999) / 1000;
  }
}
