package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import java.util.Optional;

/** The authorization step: every scope of the route must be granted by the token (else 403). */
public final class Authorizer {
  private final String realm;

  public Authorizer(String realm) {
    this.realm = realm;
  }

  public Future<Optional<Identity>> authorize(RouteConfig route, Optional<Identity> identity) {
    if (route.scopes().isEmpty()) {
      return Future.succeededFuture(identity);
    }
    if (identity.isPresent() && identity.get().hasScopes(route.scopes())) {
      return Future.succeededFuture(identity);
    }
    return Future.failedFuture(
        EdgeFailure.of(
                FailureKind.FORBIDDEN,
                "The token lacks a required scope: " + String.join(" ", route.scopes()))
            .withHeader(Challenges.HEADER, Challenges.insufficientScope(realm, route.scopes())));
  }
}
