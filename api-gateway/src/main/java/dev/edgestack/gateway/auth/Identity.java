package dev.edgestack.gateway.auth;

import java.util.List;
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
    String method) {
  /** The {@link #method} of a verified bearer JWT. */
  public static final String JWT = "jwt";

  /** The {@link #method} of an API key. */
  public static final String API_KEY = "api-key";

  public Identity {
    scopes = List.copyOf(scopes);
  }

  /** The identity of a bearer JWT. */
  public Identity(
      String subject, List<String> scopes, Optional<String> client, long expiresAtEpochSecond) {
    this(subject, scopes, client, expiresAtEpochSecond, JWT);
  }

  static Identity ofApiKey(String client, List<String> scopes) {
    return new Identity(client, scopes, Optional.of(client), Long.MAX_VALUE, API_KEY);
  }

  public boolean hasScopes(List<String> required) {
    return scopes.containsAll(required);
  }
}
