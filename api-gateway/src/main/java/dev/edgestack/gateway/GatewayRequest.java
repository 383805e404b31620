package dev.edgestack.gateway;

import dev.edgestack.gateway.auth.Identity;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.ratelimit.RateLimitStatus;
import dev.edgestack.gateway.route.RouteMatch;
import dev.edgestack.runtime.http.Exchange;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;

/** What the pipeline knows about a request after each step; every step returns a new copy. */
record GatewayRequest(
    Exchange exchange,
    RouteMatch match,
    Optional<Identity> identity,
    List<RateLimitStatus> limits) {

  static GatewayRequest matched(Exchange exchange, RouteMatch match) {
    return new GatewayRequest(exchange, match, Optional.empty(), List.of());
  }

  HttpServerRequest request() {
    return exchange.request();
  }

  RouteConfig route() {
    return match.route();
  }

  GatewayRequest admitted(GatewaySteps.Admission admission) {
    return new GatewayRequest(exchange, match, admission.identity(), admission.limits());
  }
}
