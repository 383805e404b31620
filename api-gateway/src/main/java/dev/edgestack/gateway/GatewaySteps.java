package dev.edgestack.gateway;

import dev.edgestack.gateway.auth.Authenticator;
import dev.edgestack.gateway.auth.Authorizer;
import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.ratelimit.RateLimitKeys;
import dev.edgestack.gateway.ratelimit.RateLimitStatus;
import dev.edgestack.gateway.ratelimit.RateLimiter;
import dev.edgestack.gateway.route.RequestView;
import dev.edgestack.gateway.route.RouteMatch;
import dev.edgestack.gateway.route.RouteTable;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The steps of the gateway's pipeline that both listeners run (the Vert.x one in {@link
 * GatewayPipeline}, the relay in {@link RelayGateway}), over a request's method, path, host,
 * headers and query, in reading order: {@link #match} the route and strip the client-sent identity
 * headers; then {@link #admit}: reject a declared body over the route's limit, authenticate,
 * authorize, rate limit, edit the request headers. Each step returns a Future; a step already done
 * (a cached token, a local rate-limit decision) goes on at once.
 */
final class GatewaySteps {
  // The admission of every request to a public route without rate limits.
  private static final Future<Admission> ANONYMOUS =
      Future.succeededFuture(new Admission(Optional.empty(), List.of()));

  // Swapped whole by a config reload; a request reads it once, so it keeps the table it began with.
  private volatile RouteTable routes;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final RateLimiter rateLimiter;

  GatewaySteps(
      RouteTable routes,
      Authenticator authenticator,
      Authorizer authorizer,
      RateLimiter rateLimiter) {
    this.routes = routes;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.rateLimiter = rateLimiter;
  }

  /** What admission learnt: who the caller is, and where it stands in the route's rate limits. */
  record Admission(Optional<Identity> identity, List<RateLimitStatus> limits) {}

  /** The route table that serves new requests. */
  RouteTable routes() {
    return routes;
  }

  /** Serves the next requests with {@code table} (a reload); requests in flight are unaffected. */
  void replaceRoutes(RouteTable table) {
    routes = table;
  }

  /**
   * Matches the route (404, or 405 with {@code Allow}); a matched request's client-sent identity
   * headers are removed from {@code request.headers()} before any later step looks at them.
   */
  Future<RouteMatch> match(RequestView request) {
    Future<RouteMatch> matched = routes.match(request);
    if (matched.succeeded()) {
      IdentityHeaders.strip(request.headers());
    }
    return matched;
  }

  /**
   * Admits a matched request: its declared body within the route's limit (413, or 400 for a
   * malformed {@code Content-Length}; {@code closeWhenTooLarge} asks an HTTP/1 connection to close
   * rather than drain the body), its credentials (401, 400), its scopes (403), the route's rate
   * limits (429); then applies the route's request header edits to {@code headers}. {@code
   * clientAddress} is asked only when a rate limit keys on it.
   */
  Future<Admission> admit(
      RouteConfig route,
      MultiMap headers,
      String rawQuery,
      Supplier<String> clientAddress,
      boolean closeWhenTooLarge) {
    // Each step goes on to the next in place when it is already done (the usual case, see then),
    // and only a step still under way (a key fetch, the rate-limit store) costs a composition.
    try {
      Future<Void> bodyChecked =
          route.maxBodyBytes().isEmpty()
              ? Future.succeededFuture()
              : BodyLimit.check(headers.getAll("Content-Length"), route.maxBodyBytes().getAsLong());
      return closeWhenTooLarge && bodyChecked.failed()
          ? closing(bodyChecked.cause())
          : then(bodyChecked, ignored -> authenticate(route, headers, rawQuery, clientAddress));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Admission> authenticate(
      RouteConfig route, MultiMap headers, String rawQuery, Supplier<String> clientAddress) {
    return then(
        authenticator.authenticate(route, headers, rawQuery),
        identity -> authorize(route, identity, headers, clientAddress));
  }

  private Future<Admission> authorize(
      RouteConfig route,
      Optional<Identity> identity,
      MultiMap headers,
      Supplier<String> clientAddress) {
    return then(
        authorizer.authorize(route, identity),
        allowed -> rateLimit(route, allowed, headers, clientAddress));
  }

  private Future<Admission> rateLimit(
      RouteConfig route,
      Optional<Identity> identity,
      MultiMap headers,
      Supplier<String> clientAddress) {
    if (route.rateLimits().isEmpty()) {
      if (identity.isEmpty()) {
        route.rules().requestHeaders().apply(headers);
        return ANONYMOUS;
      }
      return editHeaders(route, headers, new Admission(identity, List.of()));
    }
    return then(
        rateLimiter.admit(
            route.rateLimits(),
            key -> RateLimitKeys.of(key, clientAddress, identity, route.id(), headers)),
        admitted -> editHeaders(route, headers, new Admission(identity, admitted)));
  }

  private static Future<Admission> editHeaders(
      RouteConfig route, MultiMap headers, Admission admission) {
    route.rules().requestHeaders().apply(headers);
    return Future.succeededFuture(admission);
  }

  // Without this, answering would drain the whole oversized body on HTTP/1.1.
  private static <T> Future<T> closing(Throwable error) {
    if (error instanceof EdgeFailure failure && failure.kind() == FailureKind.PAYLOAD_TOO_LARGE) {
      return Future.failedFuture(failure.withHeader("Connection", "close"));
    }
    return Future.failedFuture(error);
  }

  /**
   * {@code previous.compose(next)}, but a step that is already done (a cached token, a match, a
   * local rate-limit decision) goes on at once, without the futures and dispatch of a composition.
   */
  static <T, U> Future<U> then(Future<T> previous, Function<T, Future<U>> next) {
    if (!previous.succeeded()) {
      return previous.compose(next);
    }
    try {
      return next.apply(previous.result());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
