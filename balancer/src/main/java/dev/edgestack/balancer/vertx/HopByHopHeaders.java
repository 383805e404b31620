package dev.edgestack.balancer.vertx;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/** Headers that describe one connection (RFC 9110 §7.6.1) and must not cross a proxy. */
final class HopByHopHeaders {
  private static final String[] NAMES = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization"
  };

  private static final List<String> CLOSE = List.of("close");

  private HopByHopHeaders() {}

  /**
   * Copies {@code from} into {@code to} without hop-by-hop headers and those named by Connection.
   */
  static void copyEndToEnd(MultiMap from, MultiMap to) {
    // On the data path: no lower-casing, splitting or entry objects unless Connection names some.
    List<String> named =
        from.contains("Connection") ? tokens(from.getAll("Connection")) : List.of();
    from.forEach(
        (name, value) -> {
          if (!isHopByHop(name) && !containsIgnoreCase(named, name)) {
            to.add(name, value);
          }
        });
  }

  private static boolean isHopByHop(String name) {
    for (String hop : NAMES) {
      if (hop.length() == name.length() && hop.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> tokens(List<String> connection) {
    if (connection.size() == 1) {
      // The usual values, read without splitting: "keep-alive" is on the fixed list already.
      String only = connection.get(0).trim();
      if (only.equalsIgnoreCase("keep-alive")) {
        return List.of();
      }
      if (only.equalsIgnoreCase("close")) {
        return CLOSE;
      }
    }
    List<String> tokens = new ArrayList<>();
    for (String value : connection) {
      for (String token : value.split(",")) {
        tokens.add(token.trim());
      }
    }
    return tokens;
  }

  private static boolean containsIgnoreCase(List<String> tokens, String name) {
    for (String token : tokens) {
      if (token.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
