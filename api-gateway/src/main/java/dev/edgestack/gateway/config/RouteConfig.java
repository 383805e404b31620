package dev.edgestack.gateway.config;

import dev.edgestack.gateway.route.PathTemplate;
import dev.edgestack.gateway.route.UpstreamTemplate;
import dev.edgestack.runtime.config.ConfigNode;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One route: which requests it matches (path template and methods), how callers are authenticated
 * and authorized, which rate limits apply and where the request goes.
 *
 * <pre>
 * - id: account
 *   path: /api/accounts/{id}
 *   methods: [GET]
 *   auth: jwt
 *   scopes: [accounts:read]
 *   rateLimits: []
 *   upstream: accounts
 *   upstreamPath: /accounts/{id}
 *   maxBodyBytes: 1048576   # optional: a larger body is a 413 (declared or streamed)
 *   timeout: 2s             # optional: no answer within it (retries included) is a 504
 *   scopesMatch: all        # or any
 *   claims: {tenant: acme}  # optional: claim values a JWT must carry
 * </pre>
 */
public record RouteConfig(
    String id,
    PathTemplate path,
    Set<HttpMethod> methods,
    AuthMode auth,
    List<String> scopes,
    List<String> rateLimits,
    RouteTarget target,
    OptionalLong maxBodyBytes,
    RouteRules rules,
    AccessRule access) {
  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  // RFC 6750 scope-token characters.
  private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]+");

  public RouteConfig {
    methods = Set.copyOf(methods);
    scopes = List.copyOf(scopes);
    rateLimits = List.copyOf(rateLimits);
    Objects.requireNonNull(maxBodyBytes, "maxBodyBytes");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(access, "access");
  }

  /** A route without routing rules, whose scopes are all required and that asks for no claims. */
  public RouteConfig(
      String id,
      PathTemplate path,
      Set<HttpMethod> methods,
      AuthMode auth,
      List<String> scopes,
      List<String> rateLimits,
      RouteTarget target,
      OptionalLong maxBodyBytes) {
    this(
        id,
        path,
        methods,
        auth,
        scopes,
        rateLimits,
        target,
        maxBodyBytes,
        RouteRules.NONE,
        AccessRule.DEFAULT);
  }

  /** A route without a body limit, as routes were before {@code maxBodyBytes}. */
  public RouteConfig(
      String id,
      PathTemplate path,
      Set<HttpMethod> methods,
      AuthMode auth,
      List<String> scopes,
      List<String> rateLimits,
      RouteTarget target) {
    this(id, path, methods, auth, scopes, rateLimits, target, OptionalLong.empty());
  }

  /** Names the route may refer to; everything else is an error naming the key. */
  record Known(
      Set<String> upstreams,
      Set<String> rateLimits,
      Set<String> identityLimits,
      boolean jwt,
      boolean apiKeys) {}

  static RouteConfig from(ConfigNode node, Known known) {
    List<String> keys =
        new ArrayList<>(
            List.of(
                "id",
                "path",
                "methods",
                "auth",
                "scopes",
                "rateLimits",
                "upstream",
                "upstreamPath",
                "timeout",
                "compose",
                "maxBodyBytes"));
    keys.addAll(List.of(RouteRules.KEYS));
    keys.addAll(List.of("split", "sticky", "scopesMatch", "claims", "queryToken"));
    node.requireOnly(keys.toArray(String[]::new));
    String id = node.string("id");
    PathTemplate path;
    try {
      path = PathTemplate.parse(node.string("path"));
    } catch (IllegalArgumentException e) {
      throw node.error(
          "path",
          node.string("path"),
          "a path template such as /api/accounts/{id}: " + e.getMessage());
    }
    if (!node.has("auth")) {
      throw node.error("auth", null, "none, jwt, api-key or jwt-or-api-key");
    }
    AuthMode auth = node.enumValue("auth", AuthMode.class, AuthMode.JWT);
    if (auth.acceptsJwt() && !known.jwt()) {
      throw node.error("auth", ConfigNode.spelling(auth), "configure auth.jwt first");
    }
    if (auth.acceptsApiKey() && !known.apiKeys()) {
      throw node.error("auth", ConfigNode.spelling(auth), "configure auth.apiKeys first");
    }
    List<String> scopes = node.strings("scopes");
    if (!scopes.isEmpty() && auth == AuthMode.NONE) {
      throw node.error("scopes", String.join(",", scopes), "no scopes on a route with auth none");
    }
    for (String scope : scopes) {
      if (!SCOPE.matcher(scope).matches()) {
        throw node.error("scopes", scope, "scope tokens without spaces, quotes or backslashes");
      }
    }
    List<String> rateLimits = node.strings("rateLimits");
    for (String name : rateLimits) {
      if (!known.rateLimits().contains(name)) {
        throw node.error("rateLimits", name, "names from rateLimits: " + known.rateLimits());
      }
      if (known.identityLimits().contains(name) && auth == AuthMode.NONE) {
        throw node.error(
            "rateLimits",
            name,
            "policies keyed by subject or client only on routes with auth jwt, api-key or jwt-or-api-key");
      }
    }
    OptionalLong maxBodyBytes =
        node.has("maxBodyBytes")
            ? OptionalLong.of(node.integer("maxBodyBytes", 0, Integer.MAX_VALUE))
            : OptionalLong.empty();
    Set<HttpMethod> methods = methods(node);
    Set<String> methodNames = new LinkedHashSet<>();
    methods.forEach(method -> methodNames.add(method.name()));
    RouteTarget target = target(node, path, known);
    RouteRules rules = RouteRules.from(node, methodNames);
    if (target instanceof RouteTarget.Compose && rules.responseJson().isPresent()) {
      throw node.error("responseJson", null, "no responseJson on a composed route");
    }
    return new RouteConfig(
        id,
        path,
        methods,
        auth,
        scopes,
        rateLimits,
        target,
        maxBodyBytes,
        rules,
        AccessRule.from(node, auth));
  }

  private static Set<HttpMethod> methods(ConfigNode node) {
    List<String> names = node.has("methods") ? node.strings("methods") : List.of("GET");
    if (names.isEmpty()) {
      throw node.error("methods", null, "at least one of " + METHODS);
    }
    Set<HttpMethod> methods = new LinkedHashSet<>();
    for (String name : names) {
      if (!METHODS.contains(name)) {
        throw node.error("methods", name, "methods from " + METHODS);
      }
      methods.add(HttpMethod.valueOf(name));
    }
    return methods;
  }

  private static RouteTarget target(ConfigNode node, PathTemplate path, Known known) {
    if (node.has("split")) {
      if (node.has("upstream") || node.has("compose")) {
        throw node.error(
            "split", null, "either upstream, split (with upstreamPath) or compose, not two");
      }
      if (!node.has("upstreamPath")) {
        throw node.error("upstreamPath", null, "the upstream path, such as /accounts/{id}");
      }
      return new RouteTarget.Split(
          TrafficSplit.from(node, known.upstreams()),
          template(node, "upstreamPath", path),
          timeout(node));
    }
    if (node.has("sticky")) {
      throw node.error("sticky", node.string("sticky"), "sticky only with split");
    }
    boolean proxied = node.has("upstream") || node.has("upstreamPath");
    if (node.has("compose")) {
      if (proxied) {
        throw node.error(
            node.has("upstream") ? "upstream" : "upstreamPath",
            node.string(node.has("upstream") ? "upstream" : "upstreamPath"),
            "either upstream and upstreamPath, or compose, not both");
      }
      return compose(node, path, known);
    }
    if (!proxied) {
      throw node.error("upstream", null, "upstream and upstreamPath, or compose");
    }
    String upstream = upstream(node, "upstream", known);
    if (!node.has("upstreamPath")) {
      throw node.error("upstreamPath", null, "the upstream path, such as /accounts/{id}");
    }
    return new RouteTarget.Proxy(upstream, template(node, "upstreamPath", path), timeout(node));
  }

  private static Optional<Duration> timeout(ConfigNode node) {
    return node.has("timeout")
        ? Optional.of(node.duration("timeout", Duration.ofMillis(1)))
        : Optional.empty();
  }

  private static RouteTarget compose(ConfigNode node, PathTemplate path, Known known) {
    return CompositionConfig.from(node, path, known.upstreams());
  }

  private static String upstream(ConfigNode node, String key, Known known) {
    String name = node.string(key);
    if (!known.upstreams().contains(name)) {
      throw node.error(key, name, "one of the upstreams: " + known.upstreams());
    }
    return name;
  }

  private static UpstreamTemplate template(ConfigNode node, String key, PathTemplate path) {
    String text = node.string(key);
    UpstreamTemplate template;
    try {
      template = UpstreamTemplate.parse(text);
    } catch (IllegalArgumentException e) {
      throw node.error(key, text, "an upstream path such as /accounts/{id}: " + e.getMessage());
    }
    for (String variable : template.variables()) {
      if (!path.variables().contains(variable)) {
        throw node.error(
            key,
            text,
            "variables of the route path only " + path.variables() + ", not {" + variable + "}");
      }
    }
    return template;
  }
}
