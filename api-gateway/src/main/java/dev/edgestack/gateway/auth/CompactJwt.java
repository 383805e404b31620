package dev.edgestack.gateway.auth;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A compact JWS read strictly before any signature is checked: exactly three non-empty base64url
 * segments without padding or stray characters, a header and payload that are UTF-8 JSON objects, a
 * header that names an algorithm other than {@code none}, fetches no key from elsewhere ({@code
 * jku}, {@code x5u}, {@code jwk}, {@code x5c}) and marks no extension critical, and an ECDSA
 * signature of the size JWS gives it (not DER). The library verifies the signature afterwards;
 * these checks close what lenient parsers let through.
 */
record CompactJwt(JsonObject header, JsonObject payload, String algorithm) {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");
  // Headers that point at a key chosen by the token's author: trusting them lets anyone sign.
  private static final Set<String> KEY_REFERENCES = Set.of("jku", "x5u", "jwk", "x5c");

  /** Why a token could not be read; the message is a short RFC 6750 error description. */
  static final class Rejected extends Exception {
    Rejected(String description) {
      super(description, null, false, false);
    }
  }

  static CompactJwt parse(String token, int maxBytes) throws Rejected {
    if (token.length() > maxBytes) {
      throw new Rejected("token too large");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new Rejected("malformed token");
    }
    for (String part : parts) {
      if (!SEGMENT.matcher(part).matches() || part.length() % 4 == 1) {
        throw new Rejected("malformed token");
      }
    }
    JsonObject header = json(parts[0]);
    JsonObject payload = json(parts[1]);
    Object alg = header.getValue("alg");
    if (!(alg instanceof String algorithm) || algorithm.isBlank()) {
      throw new Rejected("malformed token");
    }
    if (algorithm.trim().toLowerCase(Locale.ROOT).equals("none")) {
      throw new Rejected("algorithm not allowed");
    }
    int ecdsaLength = ecdsaSignatureLength(algorithm);
    if (ecdsaLength > 0 && parts[2].length() != ecdsaLength) {
      // The library would also take a DER signature, a second valid spelling of the same token.
      throw new Rejected("invalid signature");
    }
    for (String name : header.fieldNames()) {
      if (KEY_REFERENCES.contains(name)) {
        throw new Rejected("key references in the header are not accepted");
      }
    }
    // No extension is understood here, so any critical one must be refused (RFC 7515 4.1.11).
    if (header.containsKey("crit")) {
      throw new Rejected("unsupported critical header");
    }
    Object kid = header.getValue("kid");
    if (kid != null && !(kid instanceof String)) {
      throw new Rejected("malformed token");
    }
    return new CompactJwt(header, payload, algorithm);
  }

  /**
   * The base64url length of an ECDSA signature as JWS writes it (RFC 7518 3.4: r and s as
   * fixed-size big-endian integers, concatenated), or 0 for other algorithms.
   */
  private static int ecdsaSignatureLength(String algorithm) {
    int bytes =
        switch (algorithm) {
          case "ES256" -> 64;
          case "ES384" -> 96;
          case "ES512" -> 132;
          default -> 0;
        };
    return (bytes * 4 + 2) / 3;
  }

  String keyId() {
    return header.getString("kid");
  }

  private static JsonObject json(String segment) throws Rejected {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(segment);
    } catch (IllegalArgumentException e) {
      throw new Rejected("malformed token");
    }
    // Re-encoding must give the same text: rejects non-canonical trailing bits.
    if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(segment)) {
      throw new Rejected("malformed token");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new Rejected("malformed token");
    }
    String trimmed = text.strip();
    if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
      throw new Rejected("malformed token");
    }
    try {
      return new JsonObject(trimmed);
    } catch (RuntimeException e) {
      throw new Rejected("malformed token");
    }
  }
}
