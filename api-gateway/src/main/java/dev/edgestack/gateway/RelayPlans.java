package dev.edgestack.gateway;

import dev.edgestack.balancer.vertx.ForwardOptions;
import dev.edgestack.balancer.vertx.RelayFieldEdits;
import dev.edgestack.balancer.vertx.RelayRoute;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.gateway.config.HeaderEdits;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.route.Forwarder;
import dev.edgestack.gateway.route.RouteMetrics;
import dev.edgestack.gateway.route.RouteTable;
import io.vertx.core.Future;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the relay's decisions for a route share whatever the request: its meters, deadline and body
 * cap, its own response header edits, and for a proxy route its pool and the upstream target of a
 * request without path values or query. Worked out once for each route of the table in use, and
 * again after a reload swaps the table.
 */
final class RelayPlans {
  private final Forwarder forwarder;
  private final RouteMetrics metrics;
  private final Supplier<RouteTable> table;
  // Copy-on-write: replaced whole when the table changes; keyed by the routes' identity, since
  // records compare (and hash) every component.
  private volatile Snapshot snapshot = new Snapshot(null, Map.of());

  private record Snapshot(RouteTable table, Map<RouteConfig, Plan> plans) {}

  RelayPlans(Forwarder forwarder, RouteMetrics metrics, Supplier<RouteTable> table) {
    this.forwarder = forwarder;
    this.metrics = metrics;
    this.table = table;
  }

  /** The plan of {@code route}, a route of the table in use or of one a reload just replaced. */
  Plan of(RouteConfig route) {
    Snapshot current = snapshot;
    Plan plan = current.plans().get(route);
    if (plan != null) {
      return plan;
    }
    RouteTable now = table.get();
    if (now != current.table()) {
      Map<RouteConfig, Plan> plans = new IdentityHashMap<>();
      for (RouteConfig each : now.routes()) {
        plans.put(each, plan(each));
      }
      snapshot = new Snapshot(now, plans);
      plan = plans.get(route);
    }
    // A request matched just before a reload: its route is planned for it alone.
    return plan != null ? plan : plan(route);
  }

  private Plan plan(RouteConfig route) {
    RouteMetrics.Meters meters = metrics.meters(route.id());
    RelayRoute.Completion counted =
        (status, failure, durationNanos) -> meters.record(status, durationNanos);
    Optional<UpstreamPool> pool = Optional.empty();
    Optional<String> fixedTarget = Optional.empty();
    if (route.target() instanceof RouteTarget.Proxy proxy) {
      pool = forwarder.pool(proxy.upstream());
      try {
        fixedTarget = Optional.of(proxy.path().expand(Map.of(), null));
      } catch (IllegalArgumentException needsValues) {
        // A template with variables: every request expands its own.
      }
    }
    RelayFieldEdits responseEdits = responseEdits(route.rules().responseHeaders());
    ForwardOptions limits = GatewayPipeline.forwardOptions(route);
    Future<RelayRoute> untouched = null;
    if (pool.isPresent() && fixedTarget.isPresent() && route.rateLimits().isEmpty()) {
      untouched =
          Future.succeededFuture(
              new RelayRoute(
                  pool.get(), fixedTarget, RelayFieldEdits.NONE, responseEdits, limits, counted));
    }
    return new Plan(meters, counted, limits, pool, fixedTarget, responseEdits, untouched);
  }

  /** The route's own response header edits as the relay's: what is set is removed first. */
  static RelayFieldEdits responseEdits(HeaderEdits route) {
    return route.isEmpty() ? RelayFieldEdits.NONE : routeEdits(route).build();
  }

  /** {@link #responseEdits}, still open for more (a request's RateLimit fields). */
  static RelayFieldEdits.Builder routeEdits(HeaderEdits route) {
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
    return edits;
  }

  /**
   * One route's plan. {@code counted} records a request in the route's meters; {@code pool} and
   * {@code fixedTarget} are present for a proxy route (the target when the template has no
   * variables, for requests without a query); {@code untouched} is the whole decision for a request
   * that changes nothing of it (no path values, no query, no header edits, an upstream without a
   * circuit breaker), or null when the route has rate limits or is not such a proxy route.
   */
  record Plan(
      RouteMetrics.Meters meters,
      RelayRoute.Completion counted,
      ForwardOptions limits,
      Optional<UpstreamPool> pool,
      Optional<String> fixedTarget,
      RelayFieldEdits responseEdits,
      Future<RelayRoute> untouched) {}
}
