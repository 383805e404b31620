package dev.edgestack.gateway.auth;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The issuers a gateway trusts, each with its own keys, audience, algorithms and clock skew. A
 * token goes to the verifier of the issuer its {@code iss} names, and only that issuer's keys can
 * verify it: a key of one issuer never vouches for a token claiming to be from another.
 */
public final class TrustedIssuers {
  private final Map<String, TokenVerifier> verifiers;
  private final TokenVerifier[] verifierList;
  private final int maxTokenBytes;
  private final String realm;

  public TrustedIssuers(List<TokenVerifier> verifiers) {
    if (verifiers.isEmpty()) {
      throw new IllegalArgumentException("verifiers: [] (expected: at least one issuer)");
    }
    Map<String, TokenVerifier> byIssuer = new LinkedHashMap<>();
    int max = 0;
    for (TokenVerifier verifier : verifiers) {
      byIssuer.put(verifier.issuer(), verifier);
      max = Math.max(max, verifier.maxTokenBytes());
    }
    this.verifiers = Map.copyOf(byIssuer);
    this.verifierList = byIssuer.values().toArray(TokenVerifier[]::new);
    this.maxTokenBytes = max;
    this.realm = verifiers.get(0).realm();
  }

  /**
   * What a request that presents {@code token} is answered, if an issuer's verifier has it cached;
   * else null. Only the verifier of the token's issuer can have cached it.
   */
  TokenCache.Verified cached(String token) {
    for (TokenVerifier verifier : verifierList) {
      TokenCache.Verified cached = verifier.cached(token);
      if (cached != null) {
        return cached;
      }
    }
    return null;
  }

  /** The caller's identity, or a failure: 401 with a Bearer challenge, or 503 without keys. */
  public Future<Identity> verify(String token) {
    if (verifiers.size() == 1) {
      return verifiers.values().iterator().next().verify(token);
    }
    CompactJwt jwt;
    try {
      jwt = CompactJwt.parse(token, maxTokenBytes);
    } catch (CompactJwt.Rejected e) {
      return rejected(e.getMessage());
    }
    Object iss = jwt.payload().getValue("iss");
    TokenVerifier verifier = iss instanceof String name ? verifiers.get(name) : null;
    if (verifier == null) {
      return rejected("invalid issuer");
    }
    return verifier.verify(token);
  }

  private <T> Future<T> rejected(String description) {
    return Future.failedFuture(
        EdgeFailure.of(FailureKind.UNAUTHENTICATED, "Invalid bearer token: " + description)
            .withHeader(Challenges.HEADER, Challenges.invalidToken(realm, description)));
  }
}
