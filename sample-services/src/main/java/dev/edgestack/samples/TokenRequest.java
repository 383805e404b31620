package dev.edgestack.samples;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * A {@code POST /token} body: {@code {"sub": "alice", "scope": "accounts:read", "ttl": 3600}},
 * every field optional (defaults: {@code alice}, {@code accounts:read}, the configured TTL in
 * seconds).
 */
record TokenRequest(String subject, String scope, Duration ttl) {
  static final String DEFAULT_SUBJECT = "alice";
  static final String DEFAULT_SCOPE = "accounts:read";
  private static final List<String> FIELDS = List.of("sub", "scope", "ttl");

  /** Reads a body; throws {@link IllegalArgumentException} naming the field and the expectation. */
  static TokenRequest from(JsonObject body, Duration defaultTtl) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            field + ": unknown field (expected: one of " + String.join(", ", FIELDS) + ")");
      }
    }
    String subject = text(body, "sub", DEFAULT_SUBJECT);
    if (subject.isBlank()) {
      throw new IllegalArgumentException("sub: \"\" (expected: a non-empty string)");
    }
    return new TokenRequest(subject, text(body, "scope", DEFAULT_SCOPE), ttl(body, defaultTtl));
  }

  private static String text(JsonObject body, String field, String fallback) {
    if (!body.containsKey(field)) {
      return fallback;
    }
    if (!(body.getValue(field) instanceof String value)) {
      throw new IllegalArgumentException(
          field + ": " + body.getValue(field) + " (expected: a string)");
    }
    return value;
  }

  private static Duration ttl(JsonObject body, Duration fallback) {
    if (!body.containsKey("ttl")) {
      return fallback;
    }
    Object value = body.getValue("ttl");
    long max = IssuerConfig.MAX_TTL.toSeconds();
    if (!(value instanceof Integer || value instanceof Long)
        || ((Number) value).longValue() < 1
        || ((Number) value).longValue() > max) {
      throw new IllegalArgumentException(
          "ttl: " + value + " (expected: an integer number of seconds from 1 to " + max + ")");
    }
    return Duration.ofSeconds(((Number) value).longValue());
  }
}
