package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.RateLimitMode;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

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

  // Names as Netty writes them fastest (copied, hash kept); they are set on every limited answer.
  private static final CharSequence POLICY_NAME = HttpHeaders.createOptimized(POLICY);
  private static final CharSequence LIMIT_NAME = HttpHeaders.createOptimized(LIMIT);
  private static final CharSequence LEGACY_LIMIT_NAME = HttpHeaders.createOptimized(LEGACY_LIMIT);
  private static final CharSequence LEGACY_REMAINING_NAME =
      HttpHeaders.createOptimized(LEGACY_REMAINING);
  private static final CharSequence LEGACY_RESET_NAME = HttpHeaders.createOptimized(LEGACY_RESET);

  private RateLimitHeaders() {}

  /**
   * The parts of one policy's fields that never change ({@code "name";q=60;w=60}, {@code
   * "name";r=}), made once per policy instead of once per request.
   */
  static final class PolicyText {
    private final RateLimitConfig policy;
    private final boolean shown;
    private final AsciiString policyItem;
    private final String limitPrefix;
    private final AsciiString legacyLimit;

    private PolicyText(RateLimitConfig policy) {
      this.policy = policy;
      this.shown = policy.mode() == RateLimitMode.ENFORCE;
      this.policyItem =
          AsciiString.of(
              "\""
                  + policy.name()
                  + "\";q="
                  + policy.limit()
                  + ";w="
                  + ceilSeconds(policy.period()));
      this.limitPrefix = "\"" + policy.name() + "\";r=";
      this.legacyLimit = AsciiString.of(Integer.toString(policy.limit()));
    }

    static PolicyText of(RateLimitConfig policy) {
      return new PolicyText(policy);
    }

    RateLimitConfig policy() {
      return policy;
    }

    private String limitItem(RateLimitStatus status) {
      return limitPrefix + status.remaining() + ";t=" + status.resetSeconds();
    }
  }

  /** Sets the fields on a response that was admitted. */
  public static void apply(List<RateLimitStatus> statuses, MultiMap headers) {
    fields(statuses, headers::set);
  }

  /**
   * Hands each field of an admitted response to {@code field} (name, value), in the order policy,
   * limit, legacy: for a writer that is no {@link MultiMap}, such as the relay's field edits, which
   * need no map built and read back per request.
   */
  public static void forEachField(
      List<RateLimitStatus> statuses, BiConsumer<CharSequence, CharSequence> field) {
    fields(statuses, field);
  }

  /** The 429 failure for {@code rejected}, carrying the fields of every policy evaluated. */
  static EdgeFailure rejected(RateLimitStatus rejected, List<RateLimitStatus> statuses) {
    EdgeFailure[] failure = {
      EdgeFailure.of(
              FailureKind.RATE_LIMITED,
              "Rate limit " + rejected.policy().name() + " exceeded; retry later")
          .withHeader(RETRY_AFTER, Long.toString(Math.max(1, rejected.retryAfterSeconds())))
    };
    fields(
        statuses,
        (name, value) -> failure[0] = failure[0].withHeader(name.toString(), value.toString()));
    return failure[0];
  }

  /**
   * Hands each field to {@code field}, in the order policy, limit, legacy. One policy (the usual
   * case) costs one string for the {@code RateLimit} value and nothing else.
   */
  private static void fields(
      List<RateLimitStatus> statuses, BiConsumer<CharSequence, CharSequence> field) {
    CharSequence policies = null;
    StringBuilder morePolicies = null;
    CharSequence limits = null;
    StringBuilder moreLimits = null;
    RateLimitStatus legacy = null;
    for (int i = 0; i < statuses.size(); i++) {
      RateLimitStatus status = statuses.get(i);
      PolicyText text = status.text();
      if (!text.shown) {
        continue;
      }
      if (policies == null) {
        policies = text.policyItem;
      } else {
        morePolicies = joined(morePolicies, policies).append(", ").append(text.policyItem);
      }
      if (!status.known()) {
        continue;
      }
      String limit = text.limitItem(status);
      if (limits == null) {
        limits = limit;
      } else {
        moreLimits = joined(moreLimits, limits).append(", ").append(limit);
      }
      if (text.policy.legacyHeaders()
          && (legacy == null || status.remaining() < legacy.remaining())) {
        legacy = status;
      }
    }
    if (policies == null) {
      return;
    }
    field.accept(POLICY_NAME, morePolicies == null ? policies : morePolicies.toString());
    if (limits != null) {
      field.accept(LIMIT_NAME, moreLimits == null ? limits : moreLimits.toString());
    }
    if (legacy != null) {
      field.accept(LEGACY_LIMIT_NAME, legacy.text().legacyLimit);
      field.accept(LEGACY_REMAINING_NAME, Long.toString(legacy.remaining()));
      field.accept(LEGACY_RESET_NAME, Long.toString(legacy.resetSeconds()));
    }
  }

  private static StringBuilder joined(StringBuilder joined, CharSequence first) {
    return joined != null ? joined : new StringBuilder(64).append(first);
  }

  private static long ceilSeconds(Duration period) {
    long millis = period.toMillis();
    return (millis + 999) / 1000;
  }
}
