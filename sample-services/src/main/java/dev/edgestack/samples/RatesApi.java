package dev.edgestack.samples;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The public rates service: {@code GET /rates?base=EUR} (base defaults to EUR) answers {@code
 * {"base", "rates": {"USD": ..., "GBP": ..., "CHF": ..., "JPY": ...}, "asOf"}}; an unknown base is
 * a 400.
 */
final class RatesApi implements ServiceRoutes {
  private static final String DEFAULT_BASE = "EUR";
  private final RateTable table;

  RatesApi(RateTable table) {
    this.table = table;
  }

  @Override
  public void mount(Router router) {
    router.get("/rates").handler(this::rates);
  }

  private void rates(RoutingContext ctx) {
    String base = ctx.request().getParam("base", DEFAULT_BASE);
    JsonObject quote =
        table
            .quote(base)
            .orElseThrow(
                () ->
                    EdgeFailure.of(
                        FailureKind.BAD_REQUEST,
                        "base: \"" + base + "\" (expected: one of " + table.currencies() + ")"));
    Routing.json(ctx, quote);
  }
}
