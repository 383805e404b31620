package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route's CORS policy. Origins are exact ({@code https://app.example.com}) or {@code *}, which is
 * refused at load together with {@code allowCredentials}. Methods default to the route's.
 *
 * <pre>
 * cors:
 *   allowOrigins: [https://app.example.com]
 *   allowMethods: [GET]
 *   allowHeaders: [Authorization, Content-Type]
 *   exposeHeaders: [RateLimit, RateLimit-Policy]
 *   allowCredentials: false
 *   maxAge: 10m
 * </pre>
 */
public record CorsPolicy(
    List<String> allowOrigins,
    List<String> allowMethods,
    List<String> allowHeaders,
    List<String> exposeHeaders,
    boolean allowCredentials,
    Duration maxAge) {
  private static final Pattern ORIGIN = Pattern.compile("https?://[a-z0-9.-]+(:[0-9]{1,5})?");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

  public CorsPolicy {
    allowOrigins = List.copyOf(allowOrigins);
    allowMethods = List.copyOf(allowMethods);
    allowHeaders = List.copyOf(allowHeaders);
    exposeHeaders = List.copyOf(exposeHeaders);
  }

  /** Whether every origin is allowed. */
  public boolean anyOrigin() {
    return allowOrigins.contains("*");
  }

  /** Whether {@code origin} (as the browser sent it) may read this route's answers. */
  public boolean allows(String origin) {
    return origin != null
        && (anyOrigin() || allowOrigins.contains(origin.toLowerCase(Locale.ROOT)));
  }

  static CorsPolicy from(ConfigNode node, Set<String> routeMethods) {
    node.requireOnly(
        "allowOrigins",
        "allowMethods",
        "allowHeaders",
        "exposeHeaders",
        "allowCredentials",
        "maxAge");
    List<String> origins = new ArrayList<>();
    for (String origin : node.strings("allowOrigins")) {
      String lower = origin.toLowerCase(Locale.ROOT);
      if (!lower.equals("*") && !ORIGIN.matcher(lower).matches()) {
        throw node.error(
            "allowOrigins", origin, "* or origins such as https://app.example.com (no path)");
      }
      origins.add(lower);
    }
    if (origins.isEmpty()) {
      throw node.error("allowOrigins", null, "a non-empty list of origins, or *");
    }
    boolean credentials = node.bool("allowCredentials", false);
    if (credentials && origins.contains("*")) {
      throw node.error(
          "allowCredentials", "true", "false when allowOrigins has * (list the origins instead)");
    }
    List<String> methods = node.has("allowMethods") ? node.strings("allowMethods") : List.of();
    for (String method : methods) {
      if (!routeMethods.contains(method)) {
        throw node.error("allowMethods", method, "methods of the route " + routeMethods);
      }
    }
    return new CorsPolicy(
        origins,
        methods.isEmpty() ? List.copyOf(routeMethods) : methods,
        tokens(node, "allowHeaders"),
        tokens(node, "exposeHeaders"),
        credentials,
        node.duration("maxAge", Duration.ofMinutes(10), Duration.ZERO));
  }

  private static List<String> tokens(ConfigNode node, String key) {
    List<String> names = node.strings(key);
    for (String name : names) {
      if (!TOKEN.matcher(name).matches()) {
        throw node.error(key, name, "header names");
      }
    }
    return names;
  }
}
