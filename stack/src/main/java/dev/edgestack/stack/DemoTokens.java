package dev.edgestack.stack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.security.DemoSigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Signs JWTs with the demo issuer's key, as the issuer of a running stack would: {@code iss} and
 * {@code aud} come from {@code config/services/issuer.yaml}, the key from the run folder.
 *
 * <p>{@code DemoTokens.forStack(home, runDir).token("bob", "accounts:read", Duration.ofHours(1),
 * Map.of("exp", 0))} gives bob an already expired token.
 */
public final class DemoTokens {
  public static final String DEFAULT_SUBJECT = "alice";
  public static final String DEFAULT_SCOPE = "accounts:read";
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String issuer;
  private final String audience;
  private final DemoSigningKey key;
  private final Clock clock;

  DemoTokens(String issuer, String audience, DemoSigningKey key, Clock clock) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.key = Objects.requireNonNull(key, "key");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Reads the issuer's config under {@code home} and the key under {@code runDir}. */
  public static DemoTokens forStack(Path home, Path runDir) {
    ConfigNode issuer =
        ConfigLoader.fromEnvironment()
            .load(home.resolve("config").resolve("services").resolve("issuer.yaml"))
            .object("issuer");
    Path keyFile = StackPlan.keyFile(runDir);
    try {
      return new DemoTokens(
          issuer.string("issuer"),
          issuer.string("audience"),
          DemoSigningKey.loadOrCreate(keyFile),
          Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(keyFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * The claims of a token: {@code iss}, {@code aud}, {@code sub}, {@code scope}, {@code iat},
   * {@code nbf} (= iat), {@code exp} (= iat + ttl) and a random {@code jti}, then {@code overrides}
   * merged over them, where a {@code null} value removes a claim.
   */
  public Map<String, Object> claims(
      String subject, String scope, Duration ttl, Map<String, ?> overrides) {
    long now = clock.instant().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("aud", audience);
    claims.put("sub", Objects.requireNonNull(subject, "subject"));
    claims.put("scope", Objects.requireNonNull(scope, "scope"));
    claims.put("iat", now);
    claims.put("nbf", now);
    claims.put("exp", now + ttl.toSeconds());
    claims.put("jti", UUID.randomUUID().toString());
    overrides.forEach(
        (name, value) -> {
          if (value == null) {
            claims.remove(name);
          } else {
            claims.put(name, value);
          }
        });
    return claims;
  }

  /** A signed token with {@link #claims} as its payload. */
  public String token(String subject, String scope, Duration ttl, Map<String, ?> overrides) {
    return sign(claims(subject, scope, ttl, overrides));
  }

  /** Signs exactly {@code claims} with RS256. */
  public String sign(Map<String, ?> claims) {
    try {
      return key.signJwt(JSON.writeValueAsString(claims));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("claims: not JSON-serialisable (" + e.getMessage() + ")");
    }
  }

  /** The public key as a JWK, to verify tokens in tests. */
  public Map<String, Object> publicJwk() {
    return key.publicJwk();
  }
}
