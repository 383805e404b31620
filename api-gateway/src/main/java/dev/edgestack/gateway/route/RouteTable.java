package dev.edgestack.gateway.route;

import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes in the order they are tried: higher {@code priority} first; among equal priorities the
 * more specific path (an exact template before a {@code /**} prefix, then more literal segments,
 * then more segments), then more conditions (hosts, headers, query), then file order. The first
 * route whose path, conditions and method match wins.
 *
 * <p>A path and conditions that some route matches with other methods is a 405 with {@code Allow};
 * anything else unmatched is a 404; a matched path whose values are unsafe (encoded slash, dot
 * segment, bad encoding) is a 400. A CORS preflight is matched as the method it asks for, by routes
 * with a CORS policy; otherwise it is an ordinary OPTIONS request.
 */
public final class RouteTable {
  private static final Comparator<RouteConfig> SPECIFICITY =
      Comparator.<RouteConfig>comparingInt(route -> route.rules().priority())
          .thenComparing(route -> !route.path().isPrefix())
          .thenComparingInt(route -> route.path().literalCount())
          .thenComparingInt(route -> route.path().segmentCount())
          .thenComparingInt(route -> route.rules().conditions().count())
          .reversed();

  private final List<RouteConfig> routes;
  // By the index of routes: the match of a request without path values, made once.
  private final List<Future<RouteMatch>> fixedMatches;

  public RouteTable(List<RouteConfig> routes) {
    List<RouteConfig> ordered = new ArrayList<>(routes);
    // List.sort is stable: file order breaks the remaining ties.
    ordered.sort(SPECIFICITY);
    this.routes = List.copyOf(ordered);
    List<Future<RouteMatch>> fixed = new ArrayList<>(ordered.size());
    for (RouteConfig route : ordered) {
      fixed.add(Future.succeededFuture(new RouteMatch(route, Map.of(), false)));
    }
    this.fixedMatches = List.copyOf(fixed);
  }

  /** The routes in the order they are tried. */
  public List<RouteConfig> routes() {
    return routes;
  }

  /** Matches a request that has only a method and a path. */
  public Future<RouteMatch> match(HttpMethod method, String rawPath) {
    return match(RequestView.of(method, rawPath));
  }

  /** The match, or a failed future carrying the {@link EdgeFailure} to answer. */
  public Future<RouteMatch> match(RequestView request) {
    if (request.isPreflight()) {
      Optional<HttpMethod> asked = requestedMethod(request);
      if (asked.isPresent()) {
        Future<RouteMatch> preflight = match(request.withMethod(asked.get()), true);
        // No route with a CORS policy has this path: it is an ordinary OPTIONS request.
        if (!(preflight.cause() instanceof EdgeFailure failure
            && failure.kind() == FailureKind.NO_ROUTE)) {
          return preflight;
        }
      }
    }
    return match(request, false);
  }

  private static Optional<HttpMethod> requestedMethod(RequestView request) {
    String name = request.headers().get(RequestView.REQUEST_METHOD).trim();
    return name.matches("[A-Z]{1,16}") ? Optional.of(HttpMethod.valueOf(name)) : Optional.empty();
  }

  private Future<RouteMatch> match(RequestView request, boolean preflight) {
    Set<String> allowed = null;
    for (int i = 0; i < routes.size(); i++) {
      RouteConfig route = routes.get(i);
      if (preflight && route.rules().cors().isEmpty()) {
        continue;
      }
      Optional<Map<String, String>> values = route.path().match(request.rawPath());
      if (values.isEmpty() || !route.rules().conditions().test(request)) {
        continue;
      }
      if (!route.methods().contains(request.method())) {
        if (allowed == null) {
          allowed = new TreeSet<>();
        }
        for (HttpMethod method : route.methods()) {
          allowed.add(method.name());
        }
        continue;
      }
      if (values.get().isEmpty()) {
        return preflight
            ? Future.succeededFuture(new RouteMatch(route, Map.of(), true))
            : fixedMatches.get(i);
      }
      Map<String, String> decoded = new LinkedHashMap<>();
      for (Map.Entry<String, String> value : values.get().entrySet()) {
        Optional<String> safe =
            value.getKey().equals(PathTemplate.REMAINDER)
                ? decodeRemainder(value.getValue())
                : PathSegments.decode(value.getValue());
        if (safe.isEmpty()) {
          return Future.failedFuture(
              EdgeFailure.of(
                  FailureKind.BAD_REQUEST,
                  "Path segment for {" + value.getKey() + "} is not a safe single segment"));
        }
        decoded.put(value.getKey(), safe.get());
      }
      return Future.succeededFuture(new RouteMatch(route, decoded, preflight));
    }
    if (preflight && allowed != null) {
      return Future.failedFuture(
          EdgeFailure.of(
              FailureKind.FORBIDDEN,
              "CORS preflight: method " + request.method() + " is not allowed here"));
    }
    if (allowed != null) {
      return Future.failedFuture(
          EdgeFailure.of(
                  FailureKind.METHOD_NOT_ALLOWED, "Method " + request.method() + " is not allowed")
              .withHeader("Allow", String.join(", ", allowed)));
    }
    return Future.failedFuture(EdgeFailure.of(FailureKind.NO_ROUTE, "No route for this path"));
  }

  /**
   * Decodes a prefix route's remainder segment by segment, each as safe as a path variable; an
   * empty segment is allowed only last (a trailing slash). Joined again with {@code /}.
   */
  private static Optional<String> decodeRemainder(String raw) {
    if (raw.isEmpty()) {
      return Optional.of("");
    }
    String[] segments = raw.split("/", -1);
    List<String> decoded = new ArrayList<>();
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].isEmpty() && i == segments.length - 1) {
        decoded.add("");
        continue;
      }
      Optional<String> safe = PathSegments.decode(segments[i]);
      if (safe.isEmpty()) {
        return Optional.empty();
      }
      decoded.add(safe.get());
    }
    return Optional.of(String.join("/", decoded));
  }
}
