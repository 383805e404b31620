package dev.edgestack.gateway.route;

import dev.edgestack.gateway.config.RouteConfig;
import java.util.Map;

/** A route that matched a request, with its path variables decoded and checked. */
public record RouteMatch(RouteConfig route, Map<String, String> variables) {
  public RouteMatch {
    variables = Map.copyOf(variables);
  }
}
