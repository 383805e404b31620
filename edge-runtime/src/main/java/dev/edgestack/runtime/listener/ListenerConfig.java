package dev.edgestack.runtime.listener;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a client-facing listener parses and bounds requests, read from the {@code server} section:
 * the strict HTTP/1.1 limits and timeouts, whether HTTP/2 is offered, and an optional TLS port.
 *
 * <pre>
 * server:
 *   maxRequestLineBytes: 8192   # 414 above
 *   maxHeaderBytes: 16384       # 431 above
 *   maxHeaderCount: 100         # 431 above
 *   maxBodyBytes: 10485760      # 413 above
 *   headerTimeout: 10s          # 408 when the head has not arrived
 *   bodyTimeout: 30s            # 408 when the body stalls
 *   idleTimeout: 60s            # an idle keep-alive connection is closed
 *   http2: true                 # h2 over TLS (ALPN)
 *   h2c: false                  # h2c on the plain port, which turns strict HTTP/1.1 parsing off
 *   tls: {port: 8443, selfSigned: true}   # or certificate: and key: PEM paths
 *   engine: vertx               # balancers only: relay = the byte-level HTTP/1.1 relay
 * </pre>
 */
public record ListenerConfig(
    int maxRequestLineBytes,
    int maxHeaderBytes,
    int maxHeaderCount,
    long maxBodyBytes,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    boolean http2,
    boolean h2c,
    Optional<TlsConfig> tls,
    Engine engine) {

  /**
   * What serves the plain port: Vert.x's HTTP server, or (load balancers only) the byte-level
   * HTTP/1.1 relay, which parses and rewrites heads in place and passes bodies through.
   */
  public enum Engine {
    VERTX,
    RELAY
  }

  /** The keys of {@code server} read here, besides host and port. */
  public static final List<String> KEYS =
      List.of(
          "maxRequestLineBytes",
          "maxHeaderBytes",
          "maxHeaderCount",
          "maxBodyBytes",
          "headerTimeout",
          "bodyTimeout",
          "idleTimeout",
          "http2",
          "h2c",
          "tls",
          "engine");

  /**
   * Reads the listener settings of a {@code server} node; {@code plainPort} catches port clashes.
   */
  public static ListenerConfig from(ConfigNode server, int plainPort) {
    Optional<TlsConfig> tls =
        server.optionalObject("tls").flatMap(node -> TlsConfig.from(node, plainPort));
    Engine engine = server.enumValue("engine", Engine.class, Engine.VERTX);
    boolean h2c = server.bool("h2c", false);
    if (engine == Engine.RELAY && h2c) {
      throw server.error("engine", "relay", "vertx when h2c is on (the relay speaks HTTP/1.1)");
    }
    return new ListenerConfig(
        server.integer("maxRequestLineBytes", 8192, 256, 1 << 20),
        server.integer("maxHeaderBytes", 16384, 1024, 1 << 20),
        server.integer("maxHeaderCount", 100, 8, 10_000),
        server.integer("maxBodyBytes", 10 * 1024 * 1024, 0, Integer.MAX_VALUE),
        server.duration("headerTimeout", Duration.ofSeconds(10), Duration.ofMillis(10)),
        server.duration("bodyTimeout", Duration.ofSeconds(30), Duration.ofMillis(10)),
        server.duration("idleTimeout", Duration.ofSeconds(60), Duration.ofMillis(10)),
        server.bool("http2", true),
        h2c,
        tls,
        engine);
  }

  /** The defaults, for listeners built in code (tests, the gateway's own server). */
  public static ListenerConfig defaults() {
    return new ListenerConfig(
        8192,
        16384,
        100,
        10 * 1024 * 1024,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        true,
        false,
        Optional.empty(),
        Engine.VERTX);
  }

  public ListenerConfig withTls(TlsConfig tls) {
    return new ListenerConfig(
        maxRequestLineBytes,
        maxHeaderBytes,
        maxHeaderCount,
        maxBodyBytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        http2,
        h2c,
        Optional.of(tls),
        engine);
  }

  public ListenerConfig withLimits(
      int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes) {
    return new ListenerConfig(
        maxRequestLineBytes,
        maxHeaderBytes,
        maxHeaderCount,
        maxBodyBytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        http2,
        h2c,
        tls,
        engine);
  }

  public ListenerConfig withH2c(boolean enabled) {
    return new ListenerConfig(
        maxRequestLineBytes,
        maxHeaderBytes,
        maxHeaderCount,
        maxBodyBytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        http2,
        enabled,
        tls,
        engine);
  }

  public ListenerConfig withTimeouts(Duration header, Duration body, Duration idle) {
    return new ListenerConfig(
        maxRequestLineBytes,
        maxHeaderBytes,
        maxHeaderCount,
        maxBodyBytes,
        header,
        body,
        idle,
        http2,
        h2c,
        tls,
        engine);
  }
}
