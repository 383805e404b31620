package dev.edgestack.gateway.testing;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * An elliptic-curve key made by the test: P-256 for {@code ES256} or Ed25519 for {@code EdDSA},
 * published as a JWK and signing tokens as an issuer using such keys would.
 */
public final class CurveKey {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
  // An X.509 Ed25519 public key is a fixed 12-byte prefix and the 32-byte key.
  private static final int ED25519_KEY_BYTES = 32;

  private final String algorithm;
  private final String keyId;
  private final KeyPair pair;

  private CurveKey(String algorithm, String keyId, KeyPair pair) {
    this.algorithm = algorithm;
    this.keyId = keyId;
    this.pair = pair;
  }

  public static CurveKey es256(String keyId) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new CurveKey("ES256", keyId, generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static CurveKey ed25519(String keyId) {
    try {
      return new CurveKey(
          "EdDSA", keyId, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as a JWK without {@code alg}: the gateway takes the key type's default. */
  public JsonObject jwk() {
    JsonObject jwk = new JsonObject().put("kid", keyId).put("use", "sig");
    if (algorithm.equals("ES256")) {
      ECPublicKey key = (ECPublicKey) pair.getPublic();
      return jwk.put("kty", "EC")
          .put("crv", "P-256")
          .put("x", coordinate(key.getW().getAffineX()))
          .put("y", coordinate(key.getW().getAffineY()));
    }
    byte[] encoded = pair.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(encoded, encoded.length - ED25519_KEY_BYTES, encoded.length);
    return jwk.put("kty", "OKP").put("crv", "Ed25519").put("x", URL.encodeToString(raw));
  }

  /** A compact JWS of {@code claims} with this key's algorithm and key id. */
  public String sign(JsonObject claims) {
    return signAs(algorithm, claims);
  }

  /** The same, but claiming {@code headerAlgorithm} in the header whatever the key is. */
  public String signAs(String headerAlgorithm, JsonObject claims) {
    return signAs(headerAlgorithm, claims, true);
  }

  /**
   * An ES256 token whose signature is DER-encoded, as a JDK {@code SHA256withECDSA} signer writes
   * it, instead of the r || s that JWS requires.
   */
  public String signDer(JsonObject claims) {
    return signAs(algorithm, claims, false);
  }

  private String signAs(String headerAlgorithm, JsonObject claims, boolean jwsEncoding) {
    JsonObject header =
        new JsonObject().put("alg", headerAlgorithm).put("typ", "JWT").put("kid", keyId);
    String input =
        URL.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
            + "."
            + URL.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      // JWS wants ECDSA signatures as r || s, not DER: the P1363 format is exactly that.
      Signature signature =
          Signature.getInstance(
              !algorithm.equals("ES256")
                  ? "Ed25519"
                  : jwsEncoding ? "SHA256withECDSAinP1363Format" : "SHA256withECDSA");
      signature.initSign(pair.getPrivate());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String coordinate(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] fixed = new byte[32];
    int copy = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - copy, fixed, 32 - copy, copy);
    return URL.encodeToString(fixed);
  }
}
