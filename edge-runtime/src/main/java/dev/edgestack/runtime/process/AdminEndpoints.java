package dev.edgestack.runtime.process;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** The admin port every instance has: liveness, readiness with its checks, Prometheus metrics. */
final class AdminEndpoints {
  private AdminEndpoints() {}

  static Router router(Vertx vertx, PrometheusMeterRegistry registry, HealthChecks readiness) {
    Router router = Router.router(vertx);
    router
        .get("/health/live")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("status", "UP").encode()));
    router
        .get("/health/ready")
        .handler(
            ctx ->
                readiness
                    .checkStatus()
                    .onComplete(
                        result -> {
                          boolean up = result.succeeded() && CheckResult.isUp(result.result());
                          JsonObject body =
                              result.succeeded()
                                  ? result.result().toJson()
                                  : new JsonObject()
                                      .put("status", "DOWN")
                                      .put("error", String.valueOf(result.cause()));
                          ctx.response()
                              .setStatusCode(up ? 200 : 503)
                              .putHeader("Content-Type", "application/json")
                              .putHeader("Cache-Control", "no-store")
                              .end(body.encode());
                        }));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    return router;
  }
}
