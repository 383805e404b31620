package dev.edgestack.gateway.testing;

import dev.edgestack.runtime.security.DemoSigningKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Demo-issuer tokens, good and bad. */
public final class Tokens {
  public static final String ISSUER = "https://issuer.edge-stack.local";
  public static final String AUDIENCE = "edge-stack-api";
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {}

  /** Claims like the demo issuer's, valid for {@code ttlSeconds} from now. */
  public static JsonObject claims(String subject, String scope, long ttlSeconds) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject()
        .put("iss", ISSUER)
        .put("aud", AUDIENCE)
        .put("sub", subject)
        .put("scope", scope)
        .put("iat", now)
        .put("nbf", now)
        .put("exp", now + ttlSeconds)
        .put("jti", UUID.randomUUID().toString());
  }

  public static String sign(DemoSigningKey key, JsonObject claims) {
    return key.signJwt(claims.encode());
  }

  public static String valid(String subject, String scope) {
    return sign(TestKeys.primary(), claims(subject, scope, 300));
  }

  /** {@code alg: none}, with an empty signature or, with {@code fakeSignature}, a bogus one. */
  public static String unsigned(JsonObject claims, boolean fakeSignature) {
    String input = segment("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + segment(claims.encode());
    return input + "." + (fakeSignature ? "c2lnbmF0dXJl" : "");
  }

  /** HS256 keyed with public material: the classic algorithm-confusion attack. */
  public static String hs256(byte[] secret, String keyId, JsonObject claims) {
    String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}";
    String input = segment(header) + "." + segment(claims.encode());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input
          + "."
          + URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String segment(String json) {
    return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
