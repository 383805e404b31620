package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bearer JWT verification against an issuer's JWKS: expected {@code iss} and {@code aud}, the
 * allow-list of signature algorithms, clock skew, how often keys are refreshed and how long a fetch
 * may take.
 *
 * <pre>
 * auth:
 *   jwt:
 *     issuer: https://issuer.edge-stack.local
 *     audience: edge-stack-api
 *     jwksUrl: http://127.0.0.1:8090/.well-known/jwks.json
 *     algorithms: [RS256]
 *     clockSkew: 30s
 *     refreshInterval: 5m
 *     fetchTimeout: 2s
 *     maxTokenBytes: 8192   # a longer token is refused before it is decoded
 * </pre>
 *
 * <p>Instead of {@code jwksUrl}, {@code keys} lists static keys; only they may be HMAC secrets.
 */
public record JwtConfig(
    String issuer,
    String audience,
    Optional<URI> jwksUrl,
    List<String> algorithms,
    Duration clockSkew,
    Duration refreshInterval,
    Duration fetchTimeout,
    Duration unknownKeyRefreshInterval,
    int tokenCacheSize,
    String realm,
    int maxTokenBytes,
    List<JsonObject> staticKeys) {

  /**
   * Asymmetric algorithms only: a JWKS publishes public keys, so HMAC ({@code HS*}) would let a
   * client sign with a public key, and {@code none} signs nothing.
   */
  public static final List<String> SUPPORTED_ALGORITHMS =
      List.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

  private static final Pattern REALM = Pattern.compile("[\\x20-\\x7e&&[^\"\\\\]]+");

  /** HMAC algorithms: only with secrets configured here, never with keys from a JWKS URL. */
  public static final List<String> HMAC_ALGORITHMS = List.of("HS256", "HS384", "HS512");

  private static final int MIN_SECRET_BYTES = 32;

  public JwtConfig {
    algorithms = List.copyOf(algorithms);
    staticKeys = staticKeys.stream().map(JsonObject::copy).toList();
    if (jwksUrl.isEmpty() == staticKeys.isEmpty()) {
      throw new IllegalArgumentException("expected exactly one of jwksUrl and static keys");
    }
  }

  /** Where the keys come from, for logs. */
  public String keySource() {
    return jwksUrl.map(URI::toString).orElse("static keys");
  }

  static JwtConfig from(ConfigNode node) {
    node.requireOnly(
        "issuer",
        "audience",
        "jwksUrl",
        "algorithms",
        "clockSkew",
        "refreshInterval",
        "fetchTimeout",
        "unknownKeyRefreshInterval",
        "tokenCacheSize",
        "realm",
        "maxTokenBytes",
        "keys");
    List<String> algorithms = node.strings("algorithms");
    if (algorithms.isEmpty()) {
      throw node.error("algorithms", null, "a list of " + String.join(", ", SUPPORTED_ALGORITHMS));
    }
    boolean fromUrl = node.has("jwksUrl");
    if (fromUrl == node.has("keys")) {
      throw node.error("jwksUrl", null, "either jwksUrl or keys (static keys), not both");
    }
    for (String algorithm : algorithms) {
      boolean hmac = HMAC_ALGORITHMS.contains(algorithm);
      if (!SUPPORTED_ALGORITHMS.contains(algorithm) && !(hmac && !fromUrl)) {
        throw node.error(
            "algorithms",
            algorithm,
            "one of "
                + String.join(", ", SUPPORTED_ALGORITHMS)
                + (fromUrl
                    ? " (HS* only with static keys)"
                    : ", " + String.join(", ", HMAC_ALGORITHMS)));
      }
    }
    String realm = node.string("realm", "edge-stack");
    if (!REALM.matcher(realm).matches()) {
      throw node.error("realm", realm, "printable ASCII without quotes or backslashes");
    }
    return new JwtConfig(
        node.string("issuer"),
        node.string("audience"),
        fromUrl ? Optional.of(jwksUrl(node)) : Optional.empty(),
        algorithms,
        node.duration("clockSkew", Duration.ofSeconds(30), Duration.ZERO),
        node.duration("refreshInterval", Duration.ofMinutes(5), Duration.ofSeconds(1)),
        node.duration("fetchTimeout", Duration.ofSeconds(2), Duration.ofMillis(1)),
        node.duration("unknownKeyRefreshInterval", Duration.ofSeconds(30), Duration.ofSeconds(1)),
        node.integer("tokenCacheSize", 10_000, 0, 1_000_000),
        realm,
        node.integer("maxTokenBytes", 8192, 256, 65_536),
        fromUrl ? List.of() : staticKeys(node, algorithms));
  }

  /**
   * Static keys as JWKs: {@code {kid, alg: HS256, secret}} (at least 32 bytes, as RFC 7518 asks for
   * HS256), or a public JWK's own fields ({@code kty}, {@code kid}, {@code alg}, {@code n}, {@code
   * e}, {@code crv}, {@code x}, {@code y}).
   */
  private static List<JsonObject> staticKeys(ConfigNode node, List<String> algorithms) {
    List<ConfigNode> items = node.objects("keys");
    if (items.isEmpty()) {
      throw node.error("keys", null, "a non-empty list of keys");
    }
    List<JsonObject> keys = new ArrayList<>();
    for (ConfigNode item : items) {
      item.requireOnly("kid", "alg", "secret", "kty", "use", "n", "e", "crv", "x", "y");
      String alg = item.string("alg");
      if (!algorithms.contains(alg)) {
        throw item.error("alg", alg, "one of the algorithms " + algorithms);
      }
      JsonObject jwk = new JsonObject().put("kid", item.string("kid")).put("alg", alg);
      if (HMAC_ALGORITHMS.contains(alg)) {
        String secret = item.string("secret");
        if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
          throw item.error("secret", "(hidden)", "at least " + MIN_SECRET_BYTES + " bytes");
        }
        jwk.put("kty", "oct")
            .put(
                "k",
                Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
      } else {
        if (item.has("secret")) {
          throw item.error("secret", "(hidden)", "no secret with an asymmetric algorithm");
        }
        for (String field : List.of("kty", "use", "n", "e", "crv", "x", "y")) {
          if (item.has(field)) {
            jwk.put(field, item.string(field));
          }
        }
      }
      keys.add(jwk);
    }
    return keys;
  }

  private static URI jwksUrl(ConfigNode node) {
    String text = node.string("jwksUrl");
    String expected = "an absolute http or https URL such as http://127.0.0.1:8090/jwks.json";
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw node.error("jwksUrl", text, expected);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw node.error("jwksUrl", text, expected);
    }
  }
}
