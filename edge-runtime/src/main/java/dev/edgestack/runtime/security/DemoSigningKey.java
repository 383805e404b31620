package dev.edgestack.runtime.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The demo issuer's RS256 key: kept as a PKCS#8 PEM file so that the issuer process and the
 * launcher's {@code token} command sign with the same key.
 *
 * <p>The key id is derived from the public key (the first 16 characters of the unpadded base64url
 * SHA-256 of its X.509 encoding), so every holder of the file agrees on it.
 */
public final class DemoSigningKey {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final RSAPrivateCrtKey privateKey;
  private final RSAPublicKey publicKey;
  private final String keyId;

  private DemoSigningKey(RSAPrivateCrtKey privateKey, RSAPublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = keyIdOf(publicKey);
  }

  /** Loads the key from {@code file}, creating a new 2048-bit key there first when it is absent. */
  public static DemoSigningKey loadOrCreate(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (!Files.exists(file)) {
      create(file);
    }
    return load(file);
  }

  /** Loads an existing PKCS#8 PEM file; the message names the file when it is not a usable key. */
  public static DemoSigningKey load(Path file) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    try {
      String body =
          pem.replace("-----BEGIN PRIVATE KEY-----", "")
              .replace("-----END PRIVATE KEY-----", "")
              .replaceAll("\\s", "");
      KeyFactory factory = KeyFactory.getInstance("RSA");
      RSAPrivateCrtKey privateKey =
          (RSAPrivateCrtKey)
              factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      RSAPublicKey publicKey =
          (RSAPublicKey)
              factory.generatePublic(
                  new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
      return new DemoSigningKey(privateKey, publicKey);
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      throw new IOException(file + ": not an RSA private key in PKCS#8 PEM form (" + e + ")", e);
    }
  }

  private static void create(Path file) throws IOException {
    KeyPair pair;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      pair = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is not available in this JDK", e);
    }
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    // Written aside and moved, so that a concurrent reader never sees half a key.
    Path temporary = Files.createTempFile(parent, ".issuer-key", ".tmp");
    Files.writeString(temporary, pem, StandardCharsets.US_ASCII);
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String keyIdOf(RSAPublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return URL.encodeToString(digest).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  public String keyId() {
    return keyId;
  }

  /**
   * The public key as a JWK (RFC 7517) with {@code kid}, {@code alg: RS256} and {@code use: sig}.
   */
  public Map<String, Object> publicJwk() {
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "RSA");
    jwk.put("kid", keyId);
    jwk.put("use", "sig");
    jwk.put("alg", "RS256");
    jwk.put("n", URL.encodeToString(unsigned(publicKey.getModulus().toByteArray())));
    jwk.put("e", URL.encodeToString(unsigned(publicKey.getPublicExponent().toByteArray())));
    return jwk;
  }

  /**
   * Signs a compact JWS with RS256 over the given JSON texts of header claims and payload. The
   * header always carries {@code alg}, {@code typ} and this key's {@code kid}.
   */
  public String signJwt(String payloadJson) {
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}";
    String signingInput =
        URL.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + URL.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(privateKey);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RS256 signing failed", e);
    }
  }

  private static byte[] unsigned(byte[] twosComplement) {
    if (twosComplement.length > 1 && twosComplement[0] == 0) {
      byte[] trimmed = new byte[twosComplement.length - 1];
      System.arraycopy(twosComplement, 1, trimmed, 0, trimmed.length);
      return trimmed;
    }
    return twosComplement;
  }
}
