package dev.edgestack.gateway.route;

import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes in file order; the first whose path and method match wins. A path that some route
 * matches with other methods is a 405 with {@code Allow}; a path no route matches is a 404; a
 * matched path whose variables are unsafe (encoded slash, dot segment, bad encoding) is a 400.
 */
public final class RouteTable {
  private final List<RouteConfig> routes;

  public RouteTable(List<RouteConfig> routes) {
    this.routes = List.copyOf(routes);
  }

  /** The match, or a failed future carrying the {@link EdgeFailure} to answer. */
  public Future<RouteMatch> match(HttpMethod method, String rawPath) {
    Set<String> allowed = new TreeSet<>();
    for (RouteConfig route : routes) {
      Optional<Map<String, String>> values = route.path().match(rawPath);
      if (values.isEmpty()) {
        continue;
      }
      if (!route.methods().contains(method)) {
        route.methods().forEach(m -> allowed.add(m.name()));
        continue;
      }
      Map<String, String> decoded = new LinkedHashMap<>();
      for (Map.Entry<String, String> value : values.get().entrySet()) {
        Optional<String> safe = PathSegments.decode(value.getValue());
        if (safe.isEmpty()) {
          return Future.failedFuture(
              EdgeFailure.of(
                  FailureKind.BAD_REQUEST,
                  "Path segment for {" + value.getKey() + "} is not a safe single segment"));
        }
        decoded.put(value.getKey(), safe.get());
      }
      return Future.succeededFuture(new RouteMatch(route, decoded));
    }
    if (!allowed.isEmpty()) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.METHOD_NOT_ALLOWED, "Method " + method + " is not allowed")
              .withHeader("Allow", String.join(", ", allowed)));
    }
    return Future.failedFuture(EdgeFailure.of(FailureKind.NO_ROUTE, "No route for this path"));
  }
}
