package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.RateLimitMode;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of
 * draft-ietf-httpapi-ratelimit-headers-09 ({@code "name";q=60;w=60} and {@code "name";r=59;t=1}),
 * and the 429 answer with {@code Retry-After}. {@code t} is the number of seconds until the
 * policy's full quota is available again. Shadow policies are never shown to clients. Policies with
 * {@code legacyHeaders} also set {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset}
 * (seconds), from the one with the fewest requests remaining.
 */
public final class RateLimitHeaders {
  public static final String POLICY = "RateLimit-Policy";
  public static final String LIMIT = "RateLimit";
  public static final String RETRY_AFTER = "Retry-After";
  public static final String LEGACY_LIMIT = "X-RateLimit-Limit";
  public static final String LEGACY_REMAINING = "X-RateLimit-Remaining";
  public static final String LEGACY_RESET = "X-RateLimit-Reset";

  private RateLimitHeaders() {}

  /** Sets the fields on a response that was admitted. */
  public static void apply(List<RateLimitStatus> statuses, MultiMap headers) {
    fields(statuses).forEach(headers::set);
  }

  /** The 429 failure for {@code rejected}, carrying the fields of every policy evaluated. */
  static EdgeFailure rejected(RateLimitStatus rejected, List<RateLimitStatus> statuses) {
    EdgeFailure failure =
        EdgeFailure.of(
                FailureKind.RATE_LIMITED,
                "Rate limit " + rejected.policy().name() + " exceeded; retry later")
            .withHeader(RETRY_AFTER, Long.toString(Math.max(1, rejected.retryAfterSeconds())));
    for (Map.Entry<String, String> field : fields(statuses).entrySet()) {
      failure = failure.withHeader(field.getKey(), field.getValue());
    }
    return failure;
  }

  private static Map<String, String> fields(List<RateLimitStatus> all) {
    List<RateLimitStatus> statuses =
        all.stream().filter(s -> s.policy().mode() == RateLimitMode.ENFORCE).toList();
    Map<String, String> fields = new LinkedHashMap<>();
    if (statuses.isEmpty()) {
      return fields;
    }
    fields.put(POLICY, policyField(statuses));
    String limit = limitField(statuses);
    if (!limit.isEmpty()) {
      fields.put(LIMIT, limit);
    }
    statuses.stream()
        .filter(s -> s.policy().legacyHeaders() && s.known())
        .min(Comparator.comparingLong(RateLimitStatus::remaining))
        .ifPresent(
            s -> {
              fields.put(LEGACY_LIMIT, Integer.toString(s.policy().limit()));
              fields.put(LEGACY_REMAINING, Long.toString(s.remaining()));
              fields.put(LEGACY_RESET, Long.toString(s.resetSeconds()));
            });
    return fields;
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

  private static long ceilSeconds(Duration period) {
    long millis = period.toMillis();
    return (millis + 999) / 1000;
  }
}
