package dev.edgestack.gateway.route;

import dev.edgestack.runtime.http.ForwardedHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What route matching looks at: method, raw path, host (lower case, without port), headers and the
 * decoded query parameters. A malformed query string matches no query condition.
 */
public record RequestView(
    HttpMethod method, String rawPath, Optional<String> host, MultiMap headers, MultiMap query) {
  public static final String ORIGIN = "Origin";
  public static final String REQUEST_METHOD = "Access-Control-Request-Method";
  // Most requests have no query: one shared empty map, which nothing may change.
  private static final MultiMap NO_QUERY = MultiMap.caseInsensitiveMultiMap().copy(false);
  // The last Host field seen and its host: clients and the edge ask for the same few hosts, so
  // most requests find theirs here. Racing event loops only overwrite each other's guess.
  private static volatile HostText lastHost = new HostText("", Optional.empty());

  private record HostText(String field, Optional<String> host) {}

  /** A bare request: no host, no headers, no query (tests and simple callers). */
  public static RequestView of(HttpMethod method, String rawPath) {
    return new RequestView(
        method,
        rawPath,
        Optional.empty(),
        MultiMap.caseInsensitiveMultiMap(),
        MultiMap.caseInsensitiveMultiMap());
  }

  /**
   * {@code request} with the host its client asked for: behind a trusted proxy (edge-lb rewrites
   * {@code Host} to reach a gateway) the one in {@code X-Forwarded-Host}.
   */
  public static RequestView of(HttpServerRequest request, ForwardedHeaders forwarded) {
    return of(
        request.method(),
        request.path(),
        forwarded.requestedHost(request),
        request.headers(),
        request.query());
  }

  /**
   * A request known by its parts: {@code hostField} is the {@code Host} field as sent (or null),
   * {@code rawQuery} the query after the {@code ?} (or null).
   */
  public static RequestView of(
      HttpMethod method, String rawPath, String hostField, MultiMap headers, String rawQuery) {
    return new RequestView(method, rawPath, hostOf(hostField), headers, query(rawQuery));
  }

  /** The host of a {@code Host} field, lower case, without its port. */
  private static Optional<String> hostOf(String field) {
    if (field == null || field.isEmpty()) {
      return Optional.empty();
    }
    HostText last = lastHost;
    if (field.equals(last.field())) {
      return last.host();
    }
    Optional<String> host = parseHost(field);
    lastHost = new HostText(field, host);
    return host;
  }

  private static Optional<String> parseHost(String field) {
    int end;
    if (field.charAt(0) == '[') {
      int close = field.indexOf(']');
      end = close < 0 ? field.length() : close + 1;
    } else {
      int colon = field.indexOf(':');
      end = colon < 0 ? field.length() : colon;
    }
    return Optional.of(field.substring(0, end).toLowerCase(Locale.ROOT));
  }

  private static MultiMap query(String raw) {
    if (raw == null || raw.isEmpty()) {
      return NO_QUERY;
    }
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    try {
      Map<String, List<String>> decoded =
          new QueryStringDecoder(raw, StandardCharsets.UTF_8, false).parameters();
      decoded.forEach(params::add);
    } catch (IllegalArgumentException e) {
      // A malformed query is left to the upstream; here it simply satisfies no condition.
      return NO_QUERY;
    }
    return params;
  }

  /** Whether this is a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
  public boolean isPreflight() {
    return method == HttpMethod.OPTIONS
        && headers.get(ORIGIN) != null
        && headers.get(REQUEST_METHOD) != null;
  }

  /** The same request with another method (a preflight is matched as the method it asks for). */
  public RequestView withMethod(HttpMethod other) {
    return new RequestView(other, rawPath, host, headers, query);
  }
}
