package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.EndpointAddress;
import dev.edgestack.balancer.EndpointSpec;
import dev.edgestack.balancer.Pool;
import dev.edgestack.runtime.config.ConfigNode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The balancer's admin API on the admin port: pools and endpoints with their state, and run-time
 * changes of membership, weight and draining.
 *
 * <pre>
 * GET    /admin/pools                                  every pool with its endpoints
 * GET    /admin/pools/{pool}                           one pool
 * POST   /admin/pools/{pool}/endpoints                 {"endpoint": "127.0.0.1:8203@9203;weight=2"}
 * PATCH  /admin/pools/{pool}/endpoints/{host:port}     {"weight": 3} and/or {"draining": true}
 * DELETE /admin/pools/{pool}/endpoints/{host:port}     removes it; requests in flight finish
 * </pre>
 */
public final class BalancerAdmin {
  private static final String PROBLEM = "application/problem+json";

  private final Map<String, UpstreamPool> pools = new LinkedHashMap<>();

  private BalancerAdmin(List<UpstreamPool> pools) {
    pools.forEach(pool -> this.pools.put(pool.name(), pool));
  }

  /** Adds the admin routes for {@code pools} to {@code router}. */
  public static void mount(Router router, List<UpstreamPool> pools) {
    BalancerAdmin admin = new BalancerAdmin(pools);
    router.route("/admin/pools*").handler(BodyHandler.create().setBodyLimit(4096));
    router.get("/admin/pools").handler(admin::list);
    router.get("/admin/pools/:pool").handler(admin::show);
    router.post("/admin/pools/:pool/endpoints").handler(admin::add);
    router.patch("/admin/pools/:pool/endpoints/:endpoint").handler(admin::change);
    router.delete("/admin/pools/:pool/endpoints/:endpoint").handler(admin::remove);
  }

  private void list(RoutingContext ctx) {
    JsonArray body = new JsonArray();
    pools.values().forEach(pool -> body.add(describe(pool)));
    json(ctx, 200, new JsonObject().put("pools", body));
  }

  private void show(RoutingContext ctx) {
    pool(ctx).ifPresent(pool -> json(ctx, 200, describe(pool)));
  }

  private void add(RoutingContext ctx) {
    Optional<UpstreamPool> pool = pool(ctx);
    if (pool.isEmpty()) {
      return;
    }
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    try {
      EndpointSpec spec = EndpointSpec.parse(String.valueOf(body.getValue("endpoint")));
      Endpoint added = pool.get().addEndpoint(spec);
      json(ctx, 201, describe(pool.get().pool(), added));
    } catch (IllegalArgumentException e) {
      problem(ctx, 400, "endpoint: " + e.getMessage());
    }
  }

  private void change(RoutingContext ctx) {
    Optional<UpstreamPool> pool = pool(ctx);
    Optional<Endpoint> endpoint = pool.flatMap(p -> endpoint(ctx, p));
    if (endpoint.isEmpty()) {
      return;
    }
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    Object weight = body.getValue("weight");
    Object draining = body.getValue("draining");
    if (weight != null
        && !(weight instanceof Integer w && w >= 1 && w <= EndpointSpec.MAX_WEIGHT)) {
      problem(ctx, 400, "weight: " + weight + " (expected: 1.." + EndpointSpec.MAX_WEIGHT + ")");
      return;
    }
    if (draining != null && !(draining instanceof Boolean)) {
      problem(ctx, 400, "draining: " + draining + " (expected: true or false)");
      return;
    }
    if (weight == null && draining == null) {
      problem(ctx, 400, "body: " + body.encode() + " (expected: weight and/or draining)");
      return;
    }
    Pool core = pool.get().pool();
    if (weight != null) {
      core.weight(endpoint.get(), (Integer) weight);
    }
    if (draining != null) {
      core.drain(endpoint.get(), (Boolean) draining);
    }
    json(ctx, 200, describe(core, endpoint.get()));
  }

  private void remove(RoutingContext ctx) {
    Optional<UpstreamPool> pool = pool(ctx);
    Optional<Endpoint> endpoint = pool.flatMap(p -> endpoint(ctx, p));
    if (endpoint.isEmpty()) {
      return;
    }
    pool.get().removeEndpoint(endpoint.get());
    ctx.response().setStatusCode(204).end();
  }

  private Optional<UpstreamPool> pool(RoutingContext ctx) {
    UpstreamPool pool = pools.get(ctx.pathParam("pool"));
    if (pool == null) {
      problem(
          ctx,
          404,
          "pool: " + ctx.pathParam("pool") + " (expected one of: " + pools.keySet() + ")");
    }
    return Optional.ofNullable(pool);
  }

  private Optional<Endpoint> endpoint(RoutingContext ctx, UpstreamPool pool) {
    String written = ctx.pathParam("endpoint");
    Optional<Endpoint> found = Optional.empty();
    try {
      EndpointAddress address = EndpointAddress.parse(written);
      found =
          pool.pool().endpoints().stream()
              .filter(
                  e ->
                      e.address().host().equals(address.host())
                          && e.address().port() == address.port())
              .findFirst();
    } catch (IllegalArgumentException e) {
      // Reported below as not found, with what was expected.
    }
    if (found.isEmpty()) {
      problem(
          ctx,
          404,
          "endpoint: " + written + " (expected: host:port of a member of " + pool.name() + ")");
    }
    return found;
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        problem(ctx, 400, "body: empty (expected: a JSON object)");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      problem(ctx, 400, "body: not a JSON object");
      return null;
    }
  }

  private static JsonObject describe(UpstreamPool upstream) {
    Pool pool = upstream.pool();
    JsonArray endpoints = new JsonArray();
    pool.endpoints().forEach(endpoint -> endpoints.add(describe(pool, endpoint)));
    return new JsonObject()
        .put("name", pool.name())
        .put("strategy", ConfigNode.spelling(upstream.config().strategy()))
        .put("usable", pool.usableCount())
        .put("panic", pool.panicking())
        .put("ejections", upstream.outliers().ejections())
        .put("retryBudgetExhausted", upstream.retryBudget().exhausted())
        .put("endpoints", endpoints);
  }

  static JsonObject describe(Pool pool, Endpoint endpoint) {
    JsonArray state = new JsonArray().add(endpoint.healthy() ? "healthy" : "unhealthy");
    if (endpoint.ejected()) {
      state.add("ejected");
    }
    if (endpoint.draining()) {
      state.add("draining");
    }
    double effective = pool.effectiveWeight(endpoint);
    if (effective < endpoint.weight()) {
      state.add("slow-starting");
    }
    return new JsonObject()
        .put("address", endpoint.address().toString())
        .put("healthPort", endpoint.address().healthPort())
        .put("usable", endpoint.usable())
        .put("state", state)
        .put("weight", endpoint.weight())
        .put("effectiveWeight", Math.round(effective * 1000) / 1000.0)
        .put("inFlight", endpoint.inFlight())
        .put(
            "latencyMs",
            endpoint.latency().hasSample()
                ? Math.round(endpoint.latency().nanos() / 1e3) / 1e3
                : null);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encodePrettily());
  }

  private static void problem(RoutingContext ctx, int status, String detail) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", PROBLEM)
        .end(
            new JsonObject()
                .put("type", "about:blank")
                .put("status", status)
                .put("detail", detail)
                .encode());
  }
}
