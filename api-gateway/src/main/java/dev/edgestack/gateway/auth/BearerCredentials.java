package dev.edgestack.gateway.auth;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the {@code Authorization} header of a request holds: exactly one {@code Bearer} token
 * (scheme case-insensitive, RFC 6750 {@code b64token} syntax), or why not.
 */
record BearerCredentials(Kind kind, Optional<String> token) {
  private static final Pattern HEADER = Pattern.compile("([A-Za-z0-9!#$%&'*+.^_`|~-]+) +(\\S+)");
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  /** The outcomes of reading the header. */
  enum Kind {
    MISSING,
    /** More than one {@code Authorization} header: ambiguous, a bad request. */
    DUPLICATE,
    OTHER_SCHEME,
    MALFORMED,
    PRESENT
  }

  /** A token taken from elsewhere than the header (a route's query parameter). */
  static BearerCredentials ofToken(String token) {
    return B64TOKEN.matcher(token).matches()
        ? new BearerCredentials(Kind.PRESENT, Optional.of(token))
        : new BearerCredentials(Kind.MALFORMED, Optional.empty());
  }

  static BearerCredentials from(MultiMap headers) {
    List<String> values = headers.getAll("Authorization");
    if (values.isEmpty()) {
      return new BearerCredentials(Kind.MISSING, Optional.empty());
    }
    if (values.size() > 1) {
      return new BearerCredentials(Kind.DUPLICATE, Optional.empty());
    }
    String value = values.get(0).trim();
    var matcher = HEADER.matcher(value);
    if (!matcher.matches()) {
      boolean bearerOnly = value.equalsIgnoreCase("bearer");
      return new BearerCredentials(
          bearerOnly || value.regionMatches(true, 0, "bearer ", 0, 7)
              ? Kind.MALFORMED
              : Kind.OTHER_SCHEME,
          Optional.empty());
    }
    if (!matcher.group(1).equalsIgnoreCase("bearer")) {
      return new BearerCredentials(Kind.OTHER_SCHEME, Optional.empty());
    }
    String token = matcher.group(2);
    if (!B64TOKEN.matcher(token).matches()) {
      return new BearerCredentials(Kind.MALFORMED, Optional.empty());
    }
    return new BearerCredentials(Kind.PRESENT, Optional.of(token));
  }
}
