package dev.edgestack.gateway.testing;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;

/** An RSA key made by the test, to sign tokens with any header it likes (RS256 or PS256). */
public final class ForgeKey {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
  private static KeyPair pair;

  private ForgeKey() {}

  private static synchronized KeyPair pair() {
    if (pair == null) {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        pair = generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return pair;
  }

  /** The public key as a JWK with the given key id and algorithm. */
  public static JsonObject jwk(String keyId, String algorithm) {
    RSAPublicKey key = (RSAPublicKey) pair().getPublic();
    return new JsonObject()
        .put("kty", "RSA")
        .put("kid", keyId)
        .put("alg", algorithm)
        .put("use", "sig")
        .put("n", unsigned(key.getModulus()))
        .put("e", unsigned(key.getPublicExponent()));
  }

  /** A compact JWS over exactly these header and payload texts, signed with {@code signAs}. */
  public static String sign(String headerJson, String payloadJson, String signAs) {
    String input =
        URL.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8))
            + "."
            + URL.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature;
      if (signAs.equals("PS256")) {
        signature = Signature.getInstance("RSASSA-PSS");
        signature.setParameter(
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      } else {
        signature = Signature.getInstance("SHA256withRSA");
      }
      signature.initSign(pair().getPrivate());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      byte[] trimmed = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
      bytes = trimmed;
    }
    return URL.encodeToString(bytes);
  }
}
