package dev.edgestack.gateway.route;

import dev.edgestack.gateway.config.CorsPolicy;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CORS for routes with a {@link CorsPolicy}: preflights are answered here (204, or a 403 problem
 * for an origin, method or header the policy does not allow) without authentication or an upstream
 * call; other answers get the allow headers when the origin is allowed, and none otherwise. Every
 * answer of such a route carries {@code Vary: Origin}.
 */
public final class Cors {
  private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
  private static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
  private static final String REQUEST_HEADERS = "Access-Control-Request-Headers";

  private Cors() {}

  /** Answers a preflight, or fails with the 403 to answer. */
  public static Future<Void> answerPreflight(Exchange exchange, CorsPolicy policy) {
    HttpServerRequest request = exchange.request();
    String origin = request.getHeader(RequestView.ORIGIN);
    String method = request.getHeader(RequestView.REQUEST_METHOD).trim();
    if (!policy.allows(origin)) {
      return forbidden("origin " + origin + " is not allowed");
    }
    if (!policy.allowMethods().contains(method)) {
      return forbidden("method " + method + " is not allowed");
    }
    Set<String> allowedHeaders =
        policy.allowHeaders().stream()
            .map(name -> name.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    String requested = request.getHeader(REQUEST_HEADERS);
    if (requested != null) {
      for (String name : requested.split(",")) {
        String header = name.trim().toLowerCase(Locale.ROOT);
        if (!header.isEmpty() && !allowedHeaders.contains(header)) {
          return forbidden("header " + header + " is not allowed");
        }
      }
    }
    HttpServerResponse response = request.response();
    MultiMap headers = response.headers();
    allowOrigin(policy, origin, headers);
    headers.set("Access-Control-Allow-Methods", String.join(", ", policy.allowMethods()));
    if (!policy.allowHeaders().isEmpty()) {
      headers.set("Access-Control-Allow-Headers", String.join(", ", policy.allowHeaders()));
    }
    headers.set("Access-Control-Max-Age", Long.toString(policy.maxAge().toSeconds()));
    headers.add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
    if (!request.isEnded()) {
      request.resume();
    }
    return response.setStatusCode(204).end();
  }

  /** Adds the CORS headers to any answer of the route; the policy's replace the upstream's. */
  public static void decorate(CorsPolicy policy, HttpServerRequest request, MultiMap headers) {
    headers.add("Vary", "Origin");
    String origin = request.getHeader(RequestView.ORIGIN);
    if (!policy.allows(origin)) {
      return;
    }
    allowOrigin(policy, origin, headers);
    if (!policy.exposeHeaders().isEmpty()) {
      headers.set("Access-Control-Expose-Headers", String.join(", ", policy.exposeHeaders()));
    }
  }

  private static void allowOrigin(CorsPolicy policy, String origin, MultiMap headers) {
    boolean wildcard = policy.anyOrigin() && !policy.allowCredentials();
    headers.set(ALLOW_ORIGIN, wildcard ? "*" : origin);
    if (policy.allowCredentials()) {
      headers.set(ALLOW_CREDENTIALS, "true");
    }
  }

  private static Future<Void> forbidden(String why) {
    return Future.failedFuture(EdgeFailure.of(FailureKind.FORBIDDEN, "CORS preflight: " + why));
  }
}
