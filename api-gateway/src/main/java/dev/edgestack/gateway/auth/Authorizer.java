package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.auth.AuthMetrics.Outcome;
import dev.edgestack.gateway.config.AccessRule;
import dev.edgestack.gateway.config.AuthMode;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;

/**
 * The authorization step: every scope of the route must be granted by the credential (else 403).
 */
public final class Authorizer {
  private final String realm;
  private final AuthMetrics metrics;

  public Authorizer(String realm, AuthMetrics metrics) {
    this.realm = realm;
    this.metrics = metrics;
  }

  public Future<Optional<Identity>> authorize(RouteConfig route, Optional<Identity> identity) {
    if (route.auth() == AuthMode.NONE) {
      return Future.succeededFuture(identity);
    }
    String method = identity.map(Identity::method).orElse("none");
    if (identity.isPresent() && scopesGranted(route, identity.get())) {
      Map<String, String> claims = route.access().claims();
      Optional<String> missingClaim =
          claims.isEmpty()
              ? Optional.empty()
              : claims.entrySet().stream()
                  .filter(claim -> !identity.get().hasClaim(claim.getKey(), claim.getValue()))
                  .map(Map.Entry::getKey)
                  .findFirst();
      if (missingClaim.isEmpty()) {
        metrics.record(route.id(), method, Outcome.ALLOWED);
        return Future.succeededFuture(identity);
      }
      metrics.record(route.id(), method, Outcome.FORBIDDEN);
      return Future.failedFuture(
          EdgeFailure.of(
              FailureKind.FORBIDDEN,
              "The credential lacks the required value of claim " + missingClaim.get()));
    }
    metrics.record(route.id(), method, Outcome.FORBIDDEN);
    EdgeFailure failure =
        EdgeFailure.of(
            FailureKind.FORBIDDEN,
            (route.access().scopesMatch() == AccessRule.ScopeMatch.ANY
                    ? "The credential lacks all of the scopes: "
                    : "The credential lacks a required scope: ")
                + String.join(" ", route.scopes()));
    return Future.failedFuture(
        Identity.JWT.equals(method) && route.access().scopesMatch() == AccessRule.ScopeMatch.ALL
            ? failure.withHeader(
                Challenges.HEADER, Challenges.insufficientScope(realm, route.scopes()))
            : failure);
  }

  private static boolean scopesGranted(RouteConfig route, Identity identity) {
    return route.access().scopesMatch() == AccessRule.ScopeMatch.ANY
        ? identity.hasAnyScope(route.scopes())
        : identity.hasScopes(route.scopes());
  }
}
