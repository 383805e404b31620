package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.config.JwtConfig;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.security.SignatureException;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies a bearer JWT: it must read strictly as a {@link CompactJwt}, its {@code alg} be on the
 * allow-list, its {@code kid} known (an unknown one triggers a rate-limited JWKS refresh) and of
 * that algorithm, the signature valid, {@code iss}, {@code aud} and {@code exp} present and right,
 * {@code nbf} and {@code iat} not in the future beyond the clock skew, and {@code sub} present.
 * Verified tokens are cached until they expire.
 */
public final class TokenVerifier {
  private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e]+");

  private final JwtConfig config;
  private final JwksKeys keys;
  private final TokenCache cache;
  private final Clock clock;

  public TokenVerifier(JwtConfig config, JwksKeys keys, Clock clock) {
    this.config = config;
    this.keys = keys;
    this.clock = clock;
    this.cache = new TokenCache(config.tokenCacheSize(), clock);
    keys.onKeysRemoved(cache::clear);
  }

  String issuer() {
    return config.issuer();
  }

  int maxTokenBytes() {
    return config.maxTokenBytes();
  }

  String realm() {
    return config.realm();
  }

  /** What a request that presents {@code token} is answered, if it is cached; else null. */
  TokenCache.Verified cached(String token) {
    return cache.get(token);
  }

  /** The caller's identity, or a failure: 401 with a Bearer challenge, or 503 without keys. */
  public Future<Identity> verify(String token) {
    TokenCache.Verified cached = cache.get(token);
    if (cached != null) {
      return cached.verified();
    }
    CompactJwt jwt;
    try {
      jwt = CompactJwt.parse(token, config.maxTokenBytes());
    } catch (CompactJwt.Rejected e) {
      return rejected(e.getMessage());
    }
    if (!config.algorithms().contains(jwt.algorithm())) {
      return rejected("algorithm not allowed");
    }
    Optional<String> claimProblem = requiredClaimsProblem(jwt.payload());
    if (claimProblem.isPresent()) {
      return rejected(claimProblem.get());
    }
    String keyId = jwt.keyId();
    Optional<KeySet> loaded = keys.current();
    if (loaded.isEmpty()) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.UNAVAILABLE, "No signing keys are available to verify tokens")
              .withHeader("Retry-After", "5"));
    }
    if (keyId != null && !loaded.get().knows(keyId)) {
      return keys.refreshForUnknownKey()
          .compose(
              refreshed ->
                  refreshed.isPresent() && refreshed.get().knows(keyId)
                      ? verifyFitting(refreshed.get(), jwt, token)
                      : rejected("unknown signing key"));
    }
    return verifyFitting(loaded.get(), jwt, token);
  }

  /** The key named by the token must be of the token's algorithm: no cross-algorithm use. */
  private Future<Identity> verifyFitting(KeySet keySet, CompactJwt jwt, String token) {
    if (!keySet.fits(jwt.keyId(), jwt.algorithm())) {
      return rejected("algorithm does not match the key");
    }
    return verifyWith(keySet, token);
  }

  /** iss, aud and exp are required, whatever the library would let pass when they are absent. */
  private Optional<String> requiredClaimsProblem(JsonObject payload) {
    if (!config.issuer().equals(payload.getValue("iss"))) {
      return Optional.of("invalid issuer");
    }
    Object aud = payload.getValue("aud");
    boolean audienceMatches =
        aud instanceof String single
            ? single.equals(config.audience())
            : aud instanceof JsonArray many && many.contains(config.audience());
    if (!audienceMatches) {
      return Optional.of("invalid audience");
    }
    if (!(payload.getValue("exp") instanceof Number)) {
      return Optional.of("missing exp claim");
    }
    for (String time : List.of("nbf", "iat")) {
      Object value = payload.getValue(time);
      if (value != null && !(value instanceof Number)) {
        return Optional.of("malformed " + time + " claim");
      }
    }
    long now = clock.millis() / 1000;
    long skew = config.clockSkew().toSeconds();
    if (payload.getLong("exp") + skew <= now) {
      return Optional.of("token expired or not yet valid");
    }
    Long nbf = payload.getLong("nbf");
    Long iat = payload.getLong("iat");
    if ((nbf != null && nbf - skew > now) || (iat != null && iat - skew > now)) {
      return Optional.of("token expired or not yet valid");
    }
    return Optional.empty();
  }

  private Future<Identity> verifyWith(KeySet keySet, String token) {
    Future<User> user;
    try {
      user = keySet.verifier().authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return rejected("invalid token");
    }
    return user.transform(
        result -> {
          if (result.failed()) {
            return rejected(describe(result.cause()));
          }
          try {
            Identity identity = identity(result.result().attributes().getJsonObject("accessToken"));
            return cache.put(token, identity).verified();
          } catch (IllegalArgumentException | ClassCastException e) {
            return rejected(e.getMessage() == null ? "invalid claims" : e.getMessage());
          }
        });
  }

  private static Identity identity(JsonObject claims) {
    if (claims == null) {
      throw new IllegalArgumentException("invalid claims");
    }
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String subject) || !PRINTABLE.matcher(subject).matches()) {
      throw new IllegalArgumentException("missing or unusable sub claim");
    }
    Object exp = claims.getValue("exp");
    if (!(exp instanceof Number expiry)) {
      throw new IllegalArgumentException("missing exp claim");
    }
    Object scope = claims.getValue("scope");
    List<String> scopes = List.of();
    if (scope instanceof String text && !text.isBlank()) {
      scopes = Arrays.stream(text.trim().split(" +")).toList();
      if (!scopes.stream().allMatch(s -> PRINTABLE.matcher(s).matches())) {
        throw new IllegalArgumentException("unusable scope claim");
      }
    } else if (scope != null && !(scope instanceof String)) {
      throw new IllegalArgumentException("scope claim is not a string");
    }
    Optional<String> client =
        Optional.ofNullable(claims.getValue("client_id", claims.getValue("azp")))
            .filter(String.class::isInstance)
            .map(String.class::cast)
            .filter(c -> PRINTABLE.matcher(c).matches());
    return new Identity(subject, scopes, client, expiry.longValue(), Identity.JWT, plain(claims));
  }

  /** A short RFC 6750 error_description; the library's own messages are not for clients. */
  private static String describe(Throwable cause) {
    if (cause instanceof NoSuchKeyIdException) {
      return "unknown signing key";
    }
    if (cause instanceof SignatureException) {
      return "invalid signature";
    }
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("audience")) {
      return "invalid audience";
    }
    if (message.contains("issuer")) {
      return "invalid issuer";
    }
    if (message.contains("expired")) {
      return "token expired or not yet valid";
    }
    if (message.contains("signature")) {
      return "invalid signature";
    }
    return "invalid token";
  }

  private <T> Future<T> rejected(String description) {
    return Future.failedFuture(
        EdgeFailure.of(FailureKind.UNAUTHENTICATED, "Invalid bearer token: " + description)
            .withHeader(Challenges.HEADER, Challenges.invalidToken(config.realm(), description)));
  }

  /** Claims as plain maps and lists, so that route rules need not know about Vert.x JSON types. */
  private static Map<String, Object> plain(JsonObject claims) {
    Map<String, Object> plain = new LinkedHashMap<>();
    claims.forEach(
        claim ->
            plain.put(
                claim.getKey(),
                claim.getValue() instanceof JsonArray array
                    ? array.copy().getList()
                    : claim.getValue() instanceof JsonObject object
                        ? object.copy().getMap()
                        : claim.getValue()));
    return plain;
  }
}
