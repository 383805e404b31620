package dev.edgestack.runtime.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server section's listener keys: defaults, validation errors that name file and key, TLS. */
class ListenerConfigTest {
  @TempDir Path dir;

  private static ListenerConfig parse(String server) {
    var root = ConfigLoader.withVariables(Map.of()).parse("edge.yaml", "server:\n" + server);
    return ListenerConfig.from(root.object("server"), 8080);
  }

  @Test
  void defaultsAreStrictButRoomy() {
    ListenerConfig config = parse("  port: 8080\n");
    assertThat(config.maxRequestLineBytes()).isEqualTo(8192);
    assertThat(config.maxHeaderCount()).isEqualTo(100);
    assertThat(config.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.h2c()).isFalse();
    assertThat(config.http2()).isTrue();
    assertThat(config.tls()).isEmpty();
  }

  @Test
  void aMissingCertificateFileNamesFileKeyAndExpectation() {
    assertThatThrownBy(
            () ->
                parse(
                    "  tls: {port: 8443, certificate: "
                        + dir.resolve("nope.crt")
                        + ", key: "
                        + dir.resolve("nope.key")
                        + "}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("edge.yaml: server.tls.certificate:")
        .hasMessageContaining("nope.crt")
        .hasMessageContaining("expected: a readable PEM file");
  }

  @Test
  void aKeyFileWithoutAPrivateKeyIsRejected() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create("localhost");
    Path garbage = Files.writeString(dir.resolve("key.pem"), "not a key");
    try {
      assertThatThrownBy(
              () ->
                  parse(
                      "  tls: {certificate: "
                          + pair.certificatePath()
                          + ", key: "
                          + garbage
                          + "}\n"))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("server.tls.key:")
          .hasMessageContaining("PRIVATE KEY");
    } finally {
      pair.delete();
    }
  }

  @Test
  void theTlsPortMayNotBeThePlainPort() {
    assertThatThrownBy(() -> parse("  tls: {port: 8080, selfSigned: true}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.tls.port: \"8080\"")
        .hasMessageContaining("a port other than server.port");
  }

  @Test
  void limitsOutOfRangeAreRejected() {
    assertThatThrownBy(() -> parse("  maxHeaderCount: 2\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.maxHeaderCount");
    assertThatThrownBy(() -> parse("  headerTimeout: 0s\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.headerTimeout");
  }

  @Test
  void servesHttpsFromConfiguredPemFiles() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create("localhost");
    Vertx vertx = Vertx.vertx();
    try {
      ListenerConfig config =
          parse(
              "  tls: {port: 0, certificate: "
                  + pair.certificatePath()
                  + ", key: "
                  + pair.privateKeyPath()
                  + "}\n");
      EdgeListener listener =
          EdgeListener.start(
                  vertx,
                  "127.0.0.1",
                  0,
                  config,
                  new SimpleMeterRegistry(),
                  request -> request.response().end(request.version().name()))
              .await(20, TimeUnit.SECONDS);
      var client =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setSsl(true)
                  .setUseAlpn(true)
                  .setTrustAll(true)
                  .setVerifyHost(false)
                  .setProtocolVersion(HttpVersion.HTTP_2));
      String body =
          client
              .request(HttpMethod.GET, listener.tlsPort().getAsInt(), "127.0.0.1", "/")
              .compose(request -> request.send().compose(response -> response.body()))
              .await(10, TimeUnit.SECONDS)
              .toString();
      assertThat(body).isEqualTo("HTTP_2");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      pair.delete();
    }
  }

  @Test
  void aTlsPortInUseFailsStartNamingTheKey() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ListenerConfig config =
          ListenerConfig.defaults().withTls(TlsConfig.selfSigned(taken.getLocalPort()));
      var started =
          EdgeListener.start(
              vertx, "127.0.0.1", 0, config, new SimpleMeterRegistry(), request -> {});
      assertThatThrownBy(() -> started.await(20, TimeUnit.SECONDS))
          .hasMessageContaining("server.tls.port: " + taken.getLocalPort())
          .hasMessageContaining("expected: a free port");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void fingerprintsTheCertificateWithSha256() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create("localhost");
    try {
      assertThat(EdgeListener.fingerprint(Path.of(pair.certificatePath())))
          .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    } finally {
      pair.delete();
    }
  }
}
