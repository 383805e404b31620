package dev.edgestack.runtime.listener;

import dev.edgestack.runtime.config.ConfigNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The HTTPS listener: its port and either PEM certificate and key files or a self-signed
 * certificate made at start-up (for demos only).
 *
 * @param certificate the PEM certificate chain; empty when self-signed
 * @param key the PEM private key (PKCS#8 or PKCS#1); empty when self-signed
 */
public record TlsConfig(
    int port, Optional<Path> certificate, Optional<Path> key, boolean selfSigned) {

  /** Reads {@code tls}; empty when {@code enabled: false}. */
  static Optional<TlsConfig> from(ConfigNode tls, int plainPort) {
    tls.requireOnly("enabled", "port", "certificate", "key", "selfSigned");
    if (!tls.bool("enabled", true)) {
      return Optional.empty();
    }
    int port = tls.integer("port", 8443, 0, 65535);
    if (port != 0 && port == plainPort) {
      throw tls.error("port", port, "a port other than server.port " + plainPort);
    }
    boolean selfSigned = tls.bool("selfSigned", false);
    if (selfSigned) {
      if (tls.has("certificate") || tls.has("key")) {
        throw tls.error(
            "selfSigned", true, "either selfSigned: true or certificate and key, not both");
      }
      return Optional.of(new TlsConfig(port, Optional.empty(), Optional.empty(), true));
    }
    Path certificate = pem(tls, "certificate", "CERTIFICATE");
    Path key = pem(tls, "key", "PRIVATE KEY");
    return Optional.of(new TlsConfig(port, Optional.of(certificate), Optional.of(key), false));
  }

  /** A TLS listener on {@code port} with a self-signed certificate. */
  public static TlsConfig selfSigned(int port) {
    return new TlsConfig(port, Optional.empty(), Optional.empty(), true);
  }

  private static Path pem(ConfigNode tls, String key, String label) {
    String expected = "a readable PEM file holding a " + label + " block (or selfSigned: true)";
    if (!tls.has(key)) {
      throw tls.error(key, null, expected);
    }
    String value = tls.string(key);
    Path path = Path.of(value);
    String text;
    try {
      text = Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw tls.error(key, value, expected + "; " + e.getClass().getSimpleName());
    }
    if (!text.contains("-----BEGIN ") || !text.contains(label + "-----")) {
      throw tls.error(key, value, expected);
    }
    return path;
  }
}
