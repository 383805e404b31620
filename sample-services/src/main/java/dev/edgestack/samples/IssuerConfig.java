package dev.edgestack.samples;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code issuer} section of the issuer's file.
 *
 * @param issuer the {@code iss} claim of every token
 * @param audience the {@code aud} claim of every token
 * @param signingKeyFile the RS256 key in PKCS#8 PEM, created when absent
 * @param defaultTtl token lifetime when a request names none, 1s to {@link #MAX_TTL}
 * @param keyFileOrigin {@code file: issuer.signingKeyFile}, for errors found when loading the key
 */
record IssuerConfig(
    String issuer,
    String audience,
    Path signingKeyFile,
    Duration defaultTtl,
    String keyFileOrigin) {
  static final Duration MAX_TTL = Duration.ofDays(1);

  static IssuerConfig from(ConfigNode node) {
    node.requireOnly("issuer", "audience", "signingKeyFile", "defaultTtl");
    Duration ttl = node.duration("defaultTtl", Duration.ofSeconds(1));
    if (ttl.compareTo(MAX_TTL) > 0) {
      throw node.error("defaultTtl", node.string("defaultTtl"), "a duration from 1s to 24h");
    }
    return new IssuerConfig(
        node.string("issuer"),
        node.string("audience"),
        Path.of(node.string("signingKeyFile")),
        ttl,
        node.source() + ": " + node.keyPath("signingKeyFile"));
  }

  /** The start-up error for a key file that cannot be read, parsed or created. */
  ConfigException unusableKeyFile(Throwable reason) {
    return new ConfigException(
        keyFileOrigin
            + ": \""
            + signingKeyFile
            + "\" (expected: a readable RSA key in PKCS#8 PEM form, or a writable path to create"
            + " one; "
            + reason.getMessage()
            + ")",
        reason);
  }
}
