package dev.edgestack.gateway.auth;

import java.util.List;
import java.util.Optional;

/**
 * Who a verified token says the caller is: subject, granted scopes, the client it was issued to
 * (when the token names one) and when it expires (epoch seconds).
 */
public record Identity(
    String subject, List<String> scopes, Optional<String> client, long expiresAtEpochSecond) {
  public Identity {
    scopes = List.copyOf(scopes);
  }

  public boolean hasScopes(List<String> required) {
    return scopes.containsAll(required);
  }
}
