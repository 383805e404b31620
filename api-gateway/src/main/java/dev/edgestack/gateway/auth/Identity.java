package dev.edgestack.gateway.auth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who a verified credential says the caller is: subject, granted scopes, the client it was issued
 * to (when known) and when it expires (epoch seconds; never for an API key). An API key's subject
 * is its client id.
 */
public record Identity(
    String subject,
    List<String> scopes,
    Optional<String> client,
    long expiresAtEpochSecond,
    String method,
    Map<String, Object> claims) {
  /** The {@link #method} of a verified bearer JWT. */
  public static final String JWT = "jwt";

  /** The {@link #method} of an API key. */
  public static final String API_KEY = "api-key";

  public Identity {
    scopes = List.copyOf(scopes);
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
  }

  /** The identity of a bearer JWT whose other claims do not matter. */
  public Identity(
      String subject, List<String> scopes, Optional<String> client, long expiresAtEpochSecond) {
    this(subject, scopes, client, expiresAtEpochSecond, JWT, Map.of());
  }

  static Identity ofApiKey(String client, List<String> scopes) {
    return new Identity(client, scopes, Optional.of(client), Long.MAX_VALUE, API_KEY, Map.of());
  }

  public boolean hasScopes(List<String> required) {
    return scopes.containsAll(required);
  }

  /** Whether at least one of {@code wanted} is granted (true when none is wanted). */
  public boolean hasAnyScope(List<String> wanted) {
    return wanted.isEmpty() || wanted.stream().anyMatch(scopes::contains);
  }

  /** Whether claim {@code name} equals {@code value}, or is an array that contains it. */
  public boolean hasClaim(String name, String value) {
    Object claim = claims.get(name);
    if (claim instanceof List<?> values) {
      return values.stream().anyMatch(item -> value.equals(String.valueOf(item)));
    }
    return claim != null && !(claim instanceof Map) && value.equals(String.valueOf(claim));
  }
}
