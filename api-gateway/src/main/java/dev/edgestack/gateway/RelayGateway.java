package dev.edgestack.gateway;

import dev.edgestack.balancer.vertx.RelayFieldEdits;
import dev.edgestack.balancer.vertx.RelayGate;
import dev.edgestack.balancer.vertx.RelayRequest;
import dev.edgestack.balancer.vertx.RelayRoute;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.breaker.CircuitBreakers;
import dev.edgestack.gateway.config.HeaderEdits;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.ratelimit.RateLimitHeaders;
import dev.edgestack.gateway.ratelimit.RateLimitStatus;
import dev.edgestack.gateway.route.Forwarder;
import dev.edgestack.gateway.route.RequestView;
import dev.edgestack.gateway.route.RouteMatch;
import dev.edgestack.gateway.route.RouteMetrics;
import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.failure.FailureResponder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's pipeline on the byte-level {@link dev.edgestack.balancer.vertx.Http1Relay} ({@code
 * server.engine: relay}): the same {@link GatewaySteps} as on the Vert.x listener (match the route,
 * strip identity headers, body limit, authenticate, authorize, rate limit, edit the request
 * headers), over the request's head seen as a {@link MultiMap} that reads the parsed fields in
 * place ({@link RelayHeaders}); then the route's upstream (or the picked side of a split) through
 * its circuit breaker, at the expanded upstream path, with the caller's identity headers. What the
 * steps changed in the headers, as they changed it, becomes the relay's field edits; the route's
 * response header edits and the RateLimit fields go on the upstream's answers. Routes counted by id
 * and status class as on the Vert.x listener; what does not change per request is planned once per
 * route ({@link RelayPlans}).
 *
 * <p>Proxy and split routes only: composition, JSON body rewrites, CORS and response header renames
 * need the Vert.x listener, and such routes are refused at load ({@link #check}).
 */
final class RelayGateway implements RelayGate {
  private final GatewaySteps steps;
  private final Forwarder forwarder;
  private final RouteMetrics metrics;
  private final RelayPlans plans;

  RelayGateway(GatewaySteps steps, Forwarder forwarder, RouteMetrics metrics) {
    this.steps = steps;
    this.forwarder = forwarder;
    this.metrics = metrics;
    this.plans = new RelayPlans(forwarder, metrics, steps::routes);
  }

  /**
   * Refuses routes the relay cannot serve, naming the file, the route and the key: {@code compose},
   * {@code responseJson}, {@code cors} and {@code responseHeaders.rename}.
   */
  static void check(String source, List<RouteConfig> routes) {
    for (int i = 0; i < routes.size(); i++) {
      RouteConfig route = routes.get(i);
      String key = null;
      if (route.target() instanceof RouteTarget.Compose) {
        key = "compose";
      } else if (route.rules().responseJson().isPresent()) {
        key = "responseJson";
      } else if (route.rules().cors().isPresent()) {
        key = "cors";
      } else if (!route.rules().responseHeaders().rename().isEmpty()) {
        key = "responseHeaders.rename";
      }
      if (key != null) {
        throw new ConfigException(
            source
                + ": routes["
                + i
                + "]."
                + key
                + ": route \""
                + route.id()
                + "\" (expected: none under server.engine: relay, which serves proxy and split"
                + " routes only; compose, responseJson, cors and responseHeaders.rename need"
                + " server.engine: vertx)");
      }
    }
  }

  @Override
  public Future<RelayRoute> decide(RelayRequest request) {
    long start = System.nanoTime();
    RelayHeaders headers = new RelayHeaders(request);
    String query = request.query();
    RequestView view =
        RequestView.of(
            HttpMethod.valueOf(request.method()),
            request.path(),
            request.requestedHost(),
            headers,
            query);
    Future<RouteMatch> matched = steps.match(view);
    Future<RelayRoute> decided =
        matched.succeeded()
            ? admit(matched.result(), request, query, headers)
            : matched.compose(match -> admit(match, request, query, headers));
    if (!decided.succeeded()) {
      String route = matched.succeeded() ? matched.result().route().id() : RouteMetrics.UNMATCHED;
      decided =
          decided.onFailure(
              failure ->
                  metrics.record(
                      route,
                      FailureResponder.classify(failure).kind().status(),
                      System.nanoTime() - start));
    }
    return decided;
  }

  private Future<RelayRoute> admit(
      RouteMatch match, RelayRequest request, String query, RelayHeaders headers) {
    RouteConfig route = match.route();
    if (match.preflight() || route.target() instanceof RouteTarget.Compose) {
      // Refused at load; answering 500 beats serving the route half.
      return Future.failedFuture(
          EdgeFailure.of(
              FailureKind.INTERNAL, "Route " + route.id() + " is not served by the relay"));
    }
    Future<GatewaySteps.Admission> admitted =
        steps.admit(route, headers, query, request::clientAddress, true);
    if (!admitted.succeeded()) {
      return admitted.compose(admission -> forward(match, admission, query, headers));
    }
    try {
      return forward(match, admitted.result(), query, headers);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<RelayRoute> forward(
      RouteMatch match, GatewaySteps.Admission admission, String query, RelayHeaders headers) {
    RouteConfig route = match.route();
    RelayPlans.Plan plan = plans.of(route);
    boolean fixed =
        plan.fixedTarget().isPresent()
            && match.variables().isEmpty()
            && (query == null || query.isEmpty());
    String upstream;
    Optional<UpstreamPool> pool;
    Optional<String> target;
    if (fixed) {
      upstream = ((RouteTarget.Proxy) route.target()).upstream();
      pool = plan.pool();
      target = plan.fixedTarget();
    } else {
      Forwarder.Destination destination =
          forwarder.destination(route, match.variables(), query, headers);
      upstream = destination.upstream();
      pool = forwarder.pool(upstream);
      target = Optional.of(destination.target());
    }
    if (pool.isEmpty()) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.INTERNAL, "Unknown upstream " + upstream));
    }
    // Before the breaker's permit: a field the relay cannot write fails here, holding no permit.
    IdentityHeaders.apply(admission.identity(), headers);
    RelayFieldEdits requestEdits = headers.edits();
    RelayFieldEdits responseEdits =
        admission.limits().isEmpty()
            ? plan.responseEdits()
            : responseEdits(route.rules().responseHeaders(), admission.limits());
    Future<CircuitBreakers.Call> call = forwarder.breakers().admit(upstream);
    if (call.failed()) {
      return Future.failedFuture(call.cause());
    }
    CircuitBreakers.Call guarded = call.result();
    boolean unguarded = guarded == CircuitBreakers.Call.UNGUARDED;
    if (fixed && unguarded && plan.untouched() != null && requestEdits == RelayFieldEdits.NONE) {
      return plan.untouched();
    }
    RouteMetrics.Meters meters = plan.meters();
    return Future.succeededFuture(
        new RelayRoute(
            pool.get(),
            target,
            requestEdits,
            responseEdits,
            plan.limits(),
            unguarded
                ? plan.counted()
                : (status, failure, durationNanos) -> {
                  guarded.done(status, failure);
                  meters.record(status, durationNanos);
                }));
  }

  /** The route's response header edits and the RateLimit fields, for the upstream's answers. */
  static RelayFieldEdits responseEdits(HeaderEdits route, List<RateLimitStatus> limits) {
    if (limits.isEmpty()) {
      return RelayPlans.responseEdits(route);
    }
    RelayFieldEdits.Builder edits = RelayPlans.routeEdits(route);
    RateLimitHeaders.forEachField(
        limits,
        (name, value) -> {
          String field = name.toString();
          edits.remove(field);
          edits.add(field, value.toString());
        });
    return edits.build();
  }
}
