package dev.edgestack.balancer.vertx;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Headers that describe one connection (RFC 9110 §7.6.1) and must not cross a proxy. */
final class HopByHopHeaders {
  private static final Set<String> NAMES =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "proxy-authenticate",
          "proxy-authorization");

  private HopByHopHeaders() {}

  /**
   * Copies {@code from} into {@code to} without hop-by-hop headers and those named by Connection.
   */
  static void copyEndToEnd(MultiMap from, MultiMap to) {
    List<String> connection = from.getAll("Connection");
    for (var entry : from) {
      String name = entry.getKey().toLowerCase(Locale.ROOT);
      if (!NAMES.contains(name) && !namedIn(connection, name)) {
        to.add(entry.getKey(), entry.getValue());
      }
    }
  }

  private static boolean namedIn(List<String> connection, String name) {
    for (String value : connection) {
      for (String token : value.split(",")) {
        if (token.trim().equalsIgnoreCase(name)) {
          return true;
        }
      }
    }
    return false;
  }
}
