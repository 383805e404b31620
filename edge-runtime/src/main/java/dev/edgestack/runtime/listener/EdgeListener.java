package dev.edgestack.runtime.listener;

import dev.edgestack.runtime.process.EdgeContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client-facing listener: plain HTTP/1.1 (h2c only when enabled) on one port, optionally HTTPS
 * with h2 by ALPN on another, both parsing HTTP/1.x strictly within the limits of a {@link
 * ListenerConfig}.
 *
 * <pre>
 * EdgeListener.start(context, request -&gt; ...)   // server.host, server.port, server.tls
 * </pre>
 */
public final class EdgeListener {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeListener.class);

  private final HttpServer plain;
  private final Optional<HttpServer> tls;

  private EdgeListener(HttpServer plain, Optional<HttpServer> tls) {
    this.plain = plain;
    this.tls = tls;
  }

  /**
   * Listens where the instance's settings say and registers every server for draining; a port that
   * cannot be bound fails with the config key that named it.
   */
  public static Future<EdgeListener> start(
      EdgeContext context, Handler<HttpServerRequest> handler) {
    var settings = context.settings();
    String source = context.config().source();
    if (settings.listener().engine() != ListenerConfig.Engine.VERTX) {
      return Future.failedFuture(
          new IllegalStateException(
              source
                  + ": server.engine: relay (expected: vertx; the relay serves only edge-lb,"
                  + " internal-lb and the api-gateway)"));
    }
    return start(
            context.vertx(),
            settings.host(),
            settings.port(),
            settings.listener(),
            context.registry(),
            handler)
        .recover(
            failure ->
                Future.failedFuture(
                    new IllegalStateException(source + ": " + failure.getMessage(), failure)))
        .onSuccess(listener -> listener.servers().forEach(context::drainOnShutdown));
  }

  /**
   * Only the TLS port, when one is configured (for a balancer whose plain port is served by the
   * relay), registered for draining; empty otherwise.
   */
  public static Future<Optional<HttpServer>> startTls(
      EdgeContext context, Handler<HttpServerRequest> handler) {
    var settings = context.settings();
    ListenerConfig config = settings.listener();
    if (config.tls().isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    String source = context.config().source();
    EdgeRejections rejections = EdgeRejections.of(context.registry());
    return listenTls(
            context.vertx(),
            settings.host(),
            config,
            rejections,
            boundHttp2Bodies(config, rejections, handler))
        .recover(
            failure ->
                Future.failedFuture(
                    new IllegalStateException(source + ": " + failure.getMessage(), failure)))
        .onSuccess(context::drainOnShutdown)
        .map(Optional::of);
  }

  /** Listens on {@code host:port} and, when configured, on the TLS port. */
  public static Future<EdgeListener> start(
      Vertx vertx,
      String host,
      int port,
      ListenerConfig config,
      MeterRegistry registry,
      Handler<HttpServerRequest> handler) {
    EdgeRejections rejections = EdgeRejections.of(registry);
    Handler<HttpServerRequest> bounded = boundHttp2Bodies(config, rejections, handler);
    HttpServerOptions plainOptions = options(config).setHttp2ClearTextEnabled(config.h2c());
    Future<HttpServer> plain =
        listen(vertx, plainOptions, config, rejections, bounded, host, port, "server.port");
    if (config.tls().isEmpty()) {
      return plain.map(server -> new EdgeListener(server, Optional.empty()));
    }
    return plain.compose(
        server ->
            listenTls(vertx, host, config, rejections, bounded)
                .map(secure -> new EdgeListener(server, Optional.of(secure)))
                .recover(
                    failure -> server.close().transform(closed -> Future.failedFuture(failure))));
  }

  private static Future<HttpServer> listenTls(
      Vertx vertx,
      String host,
      ListenerConfig config,
      EdgeRejections rejections,
      Handler<HttpServerRequest> handler) {
    TlsConfig tls = config.tls().orElseThrow();
    return keyCert(vertx, tls)
        .compose(
            keyCert -> {
              HttpServerOptions tlsOptions =
                  options(config)
                      .setSsl(true)
                      .setKeyCertOptions(keyCert)
                      .setUseAlpn(config.http2())
                      .setAlpnVersions(
                          config.http2()
                              ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)
                              : List.of(HttpVersion.HTTP_1_1));
              return listen(
                  vertx,
                  tlsOptions,
                  config,
                  rejections,
                  handler,
                  host,
                  tls.port(),
                  "server.tls.port");
            });
  }

  public int port() {
    return plain.actualPort();
  }

  public OptionalInt tlsPort() {
    return tls.map(server -> OptionalInt.of(server.actualPort())).orElse(OptionalInt.empty());
  }

  public List<HttpServer> servers() {
    List<HttpServer> servers = new ArrayList<>(List.of(plain));
    tls.ifPresent(servers::add);
    return servers;
  }

  public Future<Void> close() {
    return Future.join(servers().stream().map(HttpServer::close).toList()).mapEmpty();
  }

  static HttpServerOptions options(ListenerConfig config) {
    return new HttpServerOptions()
        .setMaxInitialLineLength(config.maxRequestLineBytes())
        .setMaxHeaderSize(config.maxHeaderBytes())
        .setIdleTimeout((int) config.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setCompressionSupported(false)
        .setHttp2ClearTextEnabled(false)
        .setInitialSettings(new Http2Settings().setMaxHeaderListSize(config.maxHeaderBytes()));
  }

  private static Future<HttpServer> listen(
      Vertx vertx,
      HttpServerOptions options,
      ListenerConfig config,
      EdgeRejections rejections,
      Handler<HttpServerRequest> handler,
      String host,
      int port,
      String key) {
    return vertx
        .createHttpServer(options)
        .connectionHandler(
            connection -> {
              try {
                VertxHttp1Pipeline.install(connection, options, config, rejections);
              } catch (RuntimeException e) {
                // Never serve a connection without the strict checks.
                LOG.error("Closing a connection that strict HTTP/1.1 parsing could not guard", e);
                connection.close();
              }
            })
        .requestHandler(handler)
        .listen(port, host)
        .recover(
            failure ->
                Future.failedFuture(
                    new IllegalStateException(
                        key
                            + ": "
                            + port
                            + " (expected: a free port on "
                            + host
                            + "; "
                            + failure.getMessage()
                            + ")",
                        failure)));
  }

  /** HTTP/2 frames bodies itself, so only its declared length can be checked before proxying. */
  private static Handler<HttpServerRequest> boundHttp2Bodies(
      ListenerConfig config, EdgeRejections rejections, Handler<HttpServerRequest> handler) {
    return request -> {
      if (request.version() == HttpVersion.HTTP_2) {
        String length = request.getHeader("content-length");
        if (length != null && parses(length) > config.maxBodyBytes()) {
          rejections.count(413);
          request
              .response()
              .setStatusCode(413)
              .putHeader("content-type", "application/problem+json")
              .end("{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413}");
          return;
        }
      }
      handler.handle(request);
    };
  }

  private static long parses(String length) {
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static Future<PemKeyCertOptions> keyCert(Vertx vertx, TlsConfig tls) {
    if (!tls.selfSigned()) {
      return Future.succeededFuture(
          new PemKeyCertOptions()
              .setCertPath(tls.certificate().orElseThrow().toString())
              .setKeyPath(tls.key().orElseThrow().toString()));
    }
    return vertx.executeBlocking(
        () -> {
          SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
          Path path = Path.of(certificate.certificatePath());
          PemKeyCertOptions options =
              new PemKeyCertOptions()
                  .setCertValue(io.vertx.core.buffer.Buffer.buffer(Files.readAllBytes(path)))
                  .setKeyValue(
                      io.vertx.core.buffer.Buffer.buffer(
                          Files.readAllBytes(Path.of(certificate.privateKeyPath()))));
          LOG.warn(
              "TLS uses a self-signed certificate for CN=localhost (demo only), SHA-256 fingerprint {}",
              fingerprint(path));
          certificate.delete();
          return options;
        });
  }

  static String fingerprint(Path certificate) throws Exception {
    try (InputStream in = Files.newInputStream(certificate)) {
      byte[] encoded = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded);
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }
  }
}
