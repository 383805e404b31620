package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.config.JwtConfig;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies a bearer JWT: the header's {@code alg} must be on the allow-list, its {@code kid} known
 * (an unknown one triggers a rate-limited JWKS refresh), the signature valid, {@code iss}, {@code
 * aud}, {@code exp}, {@code nbf}, {@code iat} acceptable within the clock skew, and {@code sub} and
 * {@code exp} present. Verified tokens are cached until they expire.
 */
public final class TokenVerifier {
  private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e]+");

  private final JwtConfig config;
  private final JwksKeys keys;
  private final TokenCache cache;

  public TokenVerifier(JwtConfig config, JwksKeys keys, Clock clock) {
    this.config = config;
    this.keys = keys;
    this.cache = new TokenCache(config.tokenCacheSize(), clock);
    keys.onKeysRemoved(cache::clear);
  }

  /** The caller's identity, or a failure: 401 with a Bearer challenge, or 503 without keys. */
  public Future<Identity> verify(String token) {
    Optional<Identity> cached = cache.get(token);
    if (cached.isPresent()) {
      return Future.succeededFuture(cached.get());
    }
    JsonObject header;
    try {
      header = header(token);
    } catch (IllegalArgumentException e) {
      return rejected("malformed token");
    }
    Object alg = header.getValue("alg");
    if (!(alg instanceof String algorithm) || !config.algorithms().contains(algorithm)) {
      return rejected("algorithm not allowed");
    }
    Object kid = header.getValue("kid");
    if (kid != null && !(kid instanceof String)) {
      return rejected("malformed token");
    }
    Optional<KeySet> loaded = keys.current();
    if (loaded.isEmpty()) {
      return Future.failedFuture(
          EdgeFailure.of(FailureKind.UNAVAILABLE, "No signing keys are available to verify tokens")
              .withHeader("Retry-After", "5"));
    }
    if (kid instanceof String keyId && !loaded.get().knows(keyId)) {
      return keys.refreshForUnknownKey()
          .compose(
              refreshed ->
                  refreshed.isPresent() && refreshed.get().knows(keyId)
                      ? verifyWith(refreshed.get(), token)
                      : rejected("unknown signing key"));
    }
    return verifyWith(loaded.get(), token);
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
            cache.put(token, identity);
            return Future.succeededFuture(identity);
          } catch (IllegalArgumentException | ClassCastException e) {
            return rejected(e.getMessage() == null ? "invalid claims" : e.getMessage());
          }
        });
  }

  private static JsonObject header(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[2].isEmpty()) {
      throw new IllegalArgumentException("not a signed compact JWT");
    }
    try {
      return new JsonObject(
          new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("header is not base64url JSON", e);
    }
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
    return new Identity(subject, scopes, client, expiry.longValue());
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
}
