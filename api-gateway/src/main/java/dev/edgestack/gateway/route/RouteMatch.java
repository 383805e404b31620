package dev.edgestack.gateway.route;

import dev.edgestack.gateway.config.RouteConfig;
import java.util.Map;

/**
 * A route that matched a request, with its path variables decoded and checked; {@code preflight}
 * when the request is a CORS preflight for this route, to be answered by the gateway itself.
 */
public record RouteMatch(RouteConfig route, Map<String, String> variables, boolean preflight) {
  public RouteMatch {
    variables = Map.copyOf(variables);
  }

  public RouteMatch(RouteConfig route, Map<String, String> variables) {
    this(route, variables, false);
  }
}
