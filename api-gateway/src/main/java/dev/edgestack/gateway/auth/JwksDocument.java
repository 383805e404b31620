package dev.edgestack.gateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Picks the usable keys of a JWKS document: signature keys of an asymmetric type whose algorithm
 * (stated, or the type's default) is on the allow-list. Symmetric ({@code oct}) keys only when they
 * come from the gateway's own config, never from a fetched JWKS.
 */
final class JwksDocument {
  private static final Map<String, String> DEFAULT_ALGORITHM =
      Map.of("RSA", "RS256", "EC", "ES256", "OKP", "EdDSA");

  private JwksDocument() {}

  /**
   * With {@code symmetric}, {@code oct} keys count too: only for keys from the gateway's config.
   */
  static List<JsonObject> usableKeys(
      JsonObject document, List<String> algorithms, boolean symmetric) {
    List<JsonObject> usable = new ArrayList<>();
    Object keys = document.getValue("keys");
    if (!(keys instanceof JsonArray array)) {
      return usable;
    }
    for (Object item : array) {
      if (!(item instanceof JsonObject key)) {
        continue;
      }
      Object kty = key.getValue("kty");
      Object use = key.getValue("use");
      boolean oct = symmetric && "oct".equals(kty) && key.getValue("alg") instanceof String;
      if (!oct && (!(kty instanceof String type) || !DEFAULT_ALGORITHM.containsKey(type))) {
        continue;
      }
      if (use != null && !"sig".equals(use)) {
        continue;
      }
      Object alg = key.getValue("alg");
      String algorithm =
          alg instanceof String stated ? stated : DEFAULT_ALGORITHM.get((String) kty);
      if (algorithms.contains(algorithm)) {
        usable.add(key.copy().put("alg", algorithm));
      }
    }
    return usable;
  }
}
