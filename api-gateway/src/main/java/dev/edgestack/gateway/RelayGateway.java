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
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's pipeline on the byte-level {@link dev.edgestack.balancer.vertx.Http1Relay} ({@code
 * server.engine: relay}): the same {@link GatewaySteps} as on the Vert.x listener (match the route,
 * strip identity headers, body limit, authenticate, authorize, rate limit, edit the request
 * headers), over the request's head copied once into a {@link MultiMap}; then the route's upstream
 * (or the picked side of a split) through its circuit breaker, at the expanded upstream path, with
 * the caller's identity headers. What the steps changed in the headers becomes the relay's field
 * edits; the route's response header edits and the RateLimit fields go on the upstream's answers.
 * Routes counted by id and status class as on the Vert.x listener.
 *
 * <p>Proxy and split routes only: composition, JSON body rewrites, CORS and response header renames
 * need the Vert.x listener, and such routes are refused at load ({@link #check}).
 */
final class RelayGateway implements RelayGate {
  private final GatewaySteps steps;
  private final Forwarder forwarder;
  private final RouteMetrics metrics;

  RelayGateway(GatewaySteps steps, Forwarder forwarder, RouteMetrics metrics) {
    this.steps = steps;
    this.forwarder = forwarder;
    this.metrics = metrics;
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
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    int count = request.fieldCount();
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = request.fieldName(i);
      headers.add(names[i], request.fieldValue(i));
    }
    RequestView view =
        RequestView.of(
            HttpMethod.valueOf(request.method()),
            request.path(),
            request.requestedHost(),
            headers,
            request.query());
    Future<RouteMatch> matched = steps.match(view);
    Future<RelayRoute> decided =
        GatewaySteps.then(matched, match -> admit(match, request, names, headers));
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
      RouteMatch match, RelayRequest request, String[] names, MultiMap headers) {
    RouteConfig route = match.route();
    if (match.preflight() || route.target() instanceof RouteTarget.Compose) {
      // Refused at load; answering 500 beats serving the route half.
      return Future.failedFuture(
          EdgeFailure.of(
              FailureKind.INTERNAL, "Route " + route.id() + " is not served by the relay"));
    }
    Future<GatewaySteps.Admission> admitted =
        steps.admit(route, headers, request.query(), request::clientAddress, true);
    return GatewaySteps.then(
        admitted, admission -> forward(match, admission, request, names, headers));
  }

  private Future<RelayRoute> forward(
      RouteMatch match,
      GatewaySteps.Admission admission,
      RelayRequest request,
      String[] names,
      MultiMap headers) {
    RouteConfig route = match.route();
    Forwarder.Destination destination =
        forwarder.destination(route, match.variables(), request.query(), headers);
    Optional<UpstreamPool> pool = forwarder.pool(destination.upstream());
    if (pool.isEmpty()) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.INTERNAL, "Unknown upstream " + destination.upstream()));
    }
    Future<CircuitBreakers.Call> call = forwarder.breakers().admit(destination.upstream());
    if (call.failed()) {
      return Future.failedFuture(call.cause());
    }
    CircuitBreakers.Call guarded = call.result();
    String id = route.id();
    IdentityHeaders.apply(admission.identity(), headers);
    return Future.succeededFuture(
        new RelayRoute(
            pool.get(),
            Optional.of(destination.target()),
            requestEdits(request, names, headers),
            responseEdits(route.rules().responseHeaders(), admission.limits()),
            GatewayPipeline.forwardOptions(route),
            (status, failure, durationNanos) -> {
              guarded.done(status, failure);
              metrics.record(id, status, durationNanos);
            }));
  }

  /**
   * What the steps changed in the client's fields, as the relay's edits: a name whose values
   * changed (removed, replaced, renamed) is removed and its new values added; new names added.
   */
  static RelayFieldEdits requestEdits(RelayRequest request, String[] names, MultiMap headers) {
    RelayFieldEdits.Builder edits = null;
    for (int i = 0; i < names.length; i++) {
      String name = names[i];
      if (seenBefore(names, i, name)) {
        continue;
      }
      List<String> now = headers.getAll(name);
      if (unchanged(request, names, i, now)) {
        continue;
      }
      edits = edits == null ? RelayFieldEdits.builder() : edits;
      edits.remove(name);
      for (String value : now) {
        edits.add(name, value);
      }
    }
    for (Map.Entry<String, String> field : headers) {
      if (!seenBefore(names, names.length, field.getKey())) {
        edits = edits == null ? RelayFieldEdits.builder() : edits;
        edits.add(field.getKey(), field.getValue());
      }
    }
    return edits == null ? RelayFieldEdits.NONE : edits.build();
  }

  private static boolean seenBefore(String[] names, int before, String name) {
    for (int j = 0; j < before; j++) {
      if (names[j].equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the values of the field first sent at {@code first} are still {@code now}. */
  private static boolean unchanged(
      RelayRequest request, String[] names, int first, List<String> now) {
    int seen = 0;
    for (int j = first; j < names.length; j++) {
      if (names[j].equalsIgnoreCase(names[first])) {
        if (seen >= now.size() || !now.get(seen).equals(request.fieldValue(j))) {
          return false;
        }
        seen++;
      }
    }
    return seen == now.size();
  }

  /** The route's response header edits and the RateLimit fields, for the upstream's answers. */
  static RelayFieldEdits responseEdits(HeaderEdits route, List<RateLimitStatus> limits) {
    if (route.isEmpty() && limits.isEmpty()) {
      return RelayFieldEdits.NONE;
    }
    RelayFieldEdits.Builder edits = RelayFieldEdits.builder();
    route.remove().forEach(edits::remove);
    route
        .set()
        .forEach(
            (name, value) -> {
              edits.remove(name);
              edits.add(name, value);
            });
    route.add().forEach(edits::add);
    if (!limits.isEmpty()) {
      MultiMap fields = MultiMap.caseInsensitiveMultiMap();
      RateLimitHeaders.apply(limits, fields);
      for (Map.Entry<String, String> field : fields) {
        edits.remove(field.getKey());
        edits.add(field.getKey(), field.getValue());
      }
    }
    return edits.build();
  }
}
