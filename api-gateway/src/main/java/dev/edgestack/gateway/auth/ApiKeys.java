package dev.edgestack.gateway.auth;

import dev.edgestack.gateway.config.ApiKeyConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Looks API keys up by their SHA-256. Every stored hash is compared, each in constant time, so the
 * answer time says nothing about which key, or how much of a hash, matched.
 */
public final class ApiKeys {
  private static final int MAX_KEY_LENGTH = 256;

  private final String header;
  private final List<byte[]> hashes;
  private final List<ApiKeyConfig.Entry> entries;

  public ApiKeys(ApiKeyConfig config) {
    this.header = config.header();
    this.entries = config.keys();
    this.hashes =
        config.keys().stream().map(entry -> HexFormat.of().parseHex(entry.sha256())).toList();
  }

  /** The request header that carries a key. */
  public String header() {
    return header;
  }

  /** The identity of {@code key}, or empty when no configured key has its hash. */
  Optional<Identity> identify(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return Optional.empty();
    }
    byte[] presented = sha256(key);
    int found = -1;
    for (int i = 0; i < hashes.size(); i++) {
      if (MessageDigest.isEqual(hashes.get(i), presented) && found < 0) {
        found = i;
      }
    }
    if (found < 0) {
      return Optional.empty();
    }
    ApiKeyConfig.Entry entry = entries.get(found);
    return Optional.of(Identity.ofApiKey(entry.client(), entry.scopes()));
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
