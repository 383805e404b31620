package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
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
 */
public record JwtConfig(
    String issuer,
    String audience,
    URI jwksUrl,
    List<String> algorithms,
    Duration clockSkew,
    Duration refreshInterval,
    Duration fetchTimeout,
    Duration unknownKeyRefreshInterval,
    int tokenCacheSize,
    String realm,
    int maxTokenBytes) {

  /**
   * Asymmetric algorithms only: a JWKS publishes public keys, so HMAC ({@code HS*}) would let a
   * client sign with a public key, and {@code none} signs nothing.
   */
  public static final List<String> SUPPORTED_ALGORITHMS =
      List.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

  private static final Pattern REALM = Pattern.compile("[\\x20-\\x7e&&[^\"\\\\]]+");

  public JwtConfig {
    algorithms = List.copyOf(algorithms);
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
        "maxTokenBytes");
    List<String> algorithms = node.strings("algorithms");
    if (algorithms.isEmpty()) {
      throw node.error("algorithms", null, "a list of " + String.join(", ", SUPPORTED_ALGORITHMS));
    }
    for (String algorithm : algorithms) {
      if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
        throw node.error(
            "algorithms",
            algorithm,
            "asymmetric algorithms only, one of " + String.join(", ", SUPPORTED_ALGORITHMS));
      }
    }
    String realm = node.string("realm", "edge-stack");
    if (!REALM.matcher(realm).matches()) {
      throw node.error("realm", realm, "printable ASCII without quotes or backslashes");
    }
    return new JwtConfig(
        node.string("issuer"),
        node.string("audience"),
        jwksUrl(node),
        algorithms,
        node.duration("clockSkew", Duration.ofSeconds(30), Duration.ZERO),
        node.duration("refreshInterval", Duration.ofMinutes(5), Duration.ofSeconds(1)),
        node.duration("fetchTimeout", Duration.ofSeconds(2), Duration.ofMillis(1)),
        node.duration("unknownKeyRefreshInterval", Duration.ofSeconds(30), Duration.ofSeconds(1)),
        node.integer("tokenCacheSize", 10_000, 0, 1_000_000),
        realm,
        node.integer("maxTokenBytes", 8192, 256, 65_536));
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
