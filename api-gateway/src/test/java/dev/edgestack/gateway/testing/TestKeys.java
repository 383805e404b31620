package dev.edgestack.gateway.testing;

import dev.edgestack.runtime.security.DemoSigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** RSA signing keys made once per test JVM (generation takes a while). */
public final class TestKeys {
  private static DemoSigningKey primary;
  private static DemoSigningKey rotated;
  private static DemoSigningKey stranger;

  private TestKeys() {}

  /** The issuer's key every JWKS publishes. */
  public static synchronized DemoSigningKey primary() {
    if (primary == null) {
      primary = create("primary");
    }
    return primary;
  }

  /** A key the issuer starts publishing later (rotation). */
  public static synchronized DemoSigningKey rotated() {
    if (rotated == null) {
      rotated = create("rotated");
    }
    return rotated;
  }

  /** A key no JWKS ever publishes. */
  public static synchronized DemoSigningKey stranger() {
    if (stranger == null) {
      stranger = create("stranger");
    }
    return stranger;
  }

  private static DemoSigningKey create(String name) {
    try {
      Path directory = Files.createTempDirectory("gateway-keys");
      Path file = directory.resolve(name + ".pem");
      DemoSigningKey key = DemoSigningKey.loadOrCreate(file);
      Files.delete(file);
      Files.delete(directory);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
