package dev.edgestack.gateway.config;

import dev.edgestack.gateway.route.RequestView;
import dev.edgestack.runtime.config.ConfigNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a request must also meet to match a route, besides path and method: one of the {@code hosts}
 * (exact, or {@code *.example.com} for any subdomain but not the apex) and every header and query
 * condition. Empty lists impose nothing.
 */
public record RouteConditions(
    List<String> hosts, List<FieldCondition> headers, List<FieldCondition> query) {
  public static final RouteConditions NONE = new RouteConditions(List.of(), List.of(), List.of());
  private static final Pattern HOST =
      Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

  public RouteConditions {
    hosts = List.copyOf(hosts);
    headers = List.copyOf(headers);
    query = List.copyOf(query);
  }

  public boolean test(RequestView request) {
    if (!hosts.isEmpty()
        && (request.host().isEmpty() || hosts.stream().noneMatch(h -> hostMatches(h, request)))) {
      return false;
    }
    // Tried for every route whose path matches: no iterators for the usual empty lists.
    for (int i = 0; i < headers.size(); i++) {
      if (!headers.get(i).test(request.headers())) {
        return false;
      }
    }
    for (int i = 0; i < query.size(); i++) {
      if (!query.get(i).test(request.query())) {
        return false;
      }
    }
    return true;
  }

  /** How many conditions there are: a tie-breaker between routes of equal priority and path. */
  public int count() {
    return (hosts.isEmpty() ? 0 : 1) + headers.size() + query.size();
  }

  private static boolean hostMatches(String pattern, RequestView request) {
    String host = request.host().orElseThrow();
    if (pattern.startsWith("*.")) {
      String suffix = pattern.substring(1);
      return host.endsWith(suffix) && host.length() > suffix.length();
    }
    return host.equals(pattern);
  }

  static RouteConditions from(ConfigNode route) {
    List<String> hosts = new ArrayList<>();
    for (String host : route.strings("hosts")) {
      String lower = host.toLowerCase(Locale.ROOT);
      if (!HOST.matcher(lower).matches()) {
        throw route.error("hosts", host, "host names such as api.example.com or *.example.com");
      }
      hosts.add(lower);
    }
    List<FieldCondition> headers = new ArrayList<>();
    for (ConfigNode header : route.objects("headers")) {
      headers.add(FieldCondition.from(header));
    }
    List<FieldCondition> query = new ArrayList<>();
    for (ConfigNode parameter : route.objects("query")) {
      query.add(FieldCondition.from(parameter));
    }
    return new RouteConditions(hosts, headers, query);
  }
}
