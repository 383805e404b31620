package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.config.AuthMode;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.Optional;

/**
 * The authentication step: public routes pass with no identity; JWT routes need exactly one {@code
 * Authorization: Bearer} header with a valid token (401 with a challenge otherwise, 400 for two
 * headers).
 */
public final class Authenticator {
  private final Optional<TokenVerifier> verifier;
  private final String realm;

  public Authenticator(Optional<TokenVerifier> verifier, String realm) {
    this.verifier = verifier;
    this.realm = realm;
  }

  public Future<Optional<Identity>> authenticate(RouteConfig route, MultiMap requestHeaders) {
    if (route.auth() == AuthMode.NONE) {
      return Future.succeededFuture(Optional.empty());
    }
    if (verifier.isEmpty()) {
      // Config validation forbids this; answering 500 beats letting the request through.
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.INTERNAL, "Route " + route.id() + " has no JWT verifier"));
    }
    BearerCredentials credentials = BearerCredentials.from(requestHeaders);
    return switch (credentials.kind()) {
      case MISSING, OTHER_SCHEME ->
          Future.failedFuture(
              EdgeFailure.of(FailureKind.UNAUTHENTICATED, "A bearer token is required")
                  .withHeader(Challenges.HEADER, Challenges.bearer(realm)));
      case DUPLICATE ->
          Future.failedFuture(
              EdgeFailure.of(FailureKind.BAD_REQUEST, "More than one Authorization header"));
      case MALFORMED ->
          Future.failedFuture(
              EdgeFailure.of(FailureKind.UNAUTHENTICATED, "Malformed bearer token")
                  .withHeader(
                      Challenges.HEADER, Challenges.invalidToken(realm, "malformed token")));
      case PRESENT -> verifier.get().verify(credentials.token().orElseThrow()).map(Optional::of);
    };
  }
}
