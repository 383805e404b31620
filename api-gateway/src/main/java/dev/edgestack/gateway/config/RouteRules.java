package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.util.Optional;
import java.util.Set;

/**
 * A route's matching conditions and priority, its CORS policy, its header edits and JSON rewrite:
 * what routing adds to a route besides path, methods and target.
 *
 * <pre>
 * priority: 10            # higher wins; default 0
 * hosts: ["*.example.com"]
 * headers: [{name: X-Canary, equals: "on"}]
 * query: [{name: version, equals: "2"}]
 * cors: {allowOrigins: [https://app.example.com]}
 * requestHeaders: {set: {X-Api-Version: "2"}}
 * responseHeaders: {remove: [Server]}
 * responseJson: {project: [id, owner.name], maxBufferBytes: 65536}   # proxied routes only
 * </pre>
 */
public record RouteRules(
    RouteConditions conditions,
    int priority,
    Optional<CorsPolicy> cors,
    HeaderEdits requestHeaders,
    HeaderEdits responseHeaders,
    Optional<JsonRewrite> responseJson) {
  public static final RouteRules NONE =
      new RouteRules(
          RouteConditions.NONE,
          0,
          Optional.empty(),
          HeaderEdits.NONE,
          HeaderEdits.NONE,
          Optional.empty());

  /** The route keys these rules read. */
  static final String[] KEYS = {
    "priority",
    "hosts",
    "headers",
    "query",
    "cors",
    "requestHeaders",
    "responseHeaders",
    "responseJson"
  };

  static RouteRules from(ConfigNode route, Set<String> methods) {
    return new RouteRules(
        RouteConditions.from(route),
        route.integer("priority", 0, -1_000_000, 1_000_000),
        route.optionalObject("cors").map(cors -> CorsPolicy.from(cors, methods)),
        route.optionalObject("requestHeaders").map(HeaderEdits::from).orElse(HeaderEdits.NONE),
        route.optionalObject("responseHeaders").map(HeaderEdits::from).orElse(HeaderEdits.NONE),
        route.optionalObject("responseJson").map(JsonRewrite::from));
  }
}
