package dev.edgestack.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.http.Exchange;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The process life cycle and the header hygiene of a tier, on real sockets. */
class EdgeProcessTest {
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private RunningInstance running;
  // /slow answers only when the test says so: a fixed delay was a window that a loaded machine
  // missed (the request done before the wait saw it in flight, or the admin port closed before
  // the readiness check).
  private final CountDownLatch slowArrived = new CountDownLatch(1);
  private final CompletableFuture<Void> releaseSlow = new CompletableFuture<>();

  @AfterEach
  void stop() throws Exception {
    releaseSlow.complete(null);
    if (running != null) {
      running.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  /** A tier that answers with the headers it would send upstream. */
  private RunningInstance start(String extraYaml) throws Exception {
    String yaml =
        """
        instance: {name: tier-1}
        server: {port: 0}
        admin: {port: 0}
        shutdown: {drainDelay: 300ms, timeout: 5s}
        %s
        """
            .formatted(extraYaml);
    var config = ConfigLoader.withVariables(Map.of()).parse("tier.yaml", yaml);
    Deployable echo =
        context ->
            context
                .vertx()
                .createHttpServer()
                .requestHandler(
                    request -> {
                      Exchange exchange = Exchange.begin(request, context.accessLog());
                      MultiMap outgoing =
                          MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
                      context.forwarded().applyToRequest(request, outgoing);
                      JsonObject body =
                          new JsonObject()
                              .put("client", context.forwarded().clientAddress(request))
                              .put("xff", outgoing.get("X-Forwarded-For"))
                              .put("forwarded", outgoing.get("Forwarded"))
                              .put("via", outgoing.get("Via"))
                              .put("requestId", exchange.requestId());
                      if (request.path().equals("/slow")) {
                        slowArrived.countDown();
                        releaseSlow.thenRun(
                            () ->
                                context
                                    .vertx()
                                    .runOnContext(
                                        ignored -> request.response().end(body.encode())));
                      } else {
                        request.response().end(body.encode());
                      }
                    })
                .listen(0, "127.0.0.1")
                .onSuccess(context::drainOnShutdown)
                .mapEmpty();
    running =
        EdgeProcess.start("test", config, echo)
            .toCompletionStage()
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    return running;
  }

  private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void autoTakesIoUringThenEpollWhereNettyShipsThemAndNioElsewhere() throws Exception {
    start("");
    var vertx = running.context().vertx();
    boolean linuxX64 =
        System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
            && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    assertThat(vertx.isNativeTransportEnabled())
        .as("native transport (unavailable because: %s)", vertx.unavailableNativeTransportCause())
        .isEqualTo(linuxX64);
    String expected =
        Transport.IO_URING.available()
            ? "IoUringTransport"
            : Transport.EPOLL.available() ? "EpollTransport" : "NioTransport";
    assertThat(transportOf(vertx)).isEqualTo(expected);
    assertThat(get(running.adminPort(), "/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void aNamedTransportIsTheOneUsed() throws Exception {
    for (String named : List.of("nio", "epoll")) {
      if (named.equals("epoll") && !Transport.EPOLL.available()) {
        continue;
      }
      RunningInstance instance = startBare(tier("transport: " + named));
      try {
        assertThat(transportOf(instance.context().vertx()))
            .isEqualTo(named.equals("nio") ? "NioTransport" : "EpollTransport");
        assertThat(get(instance.adminPort(), "/health/live").statusCode()).isEqualTo(200);
      } finally {
        instance.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void eventLoopsAreOnePerCoreUnlessTheFileSaysHowMany() throws Exception {
    start("");
    assertThat(eventLoopsOf(running.context().vertx()))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    RunningInstance one = startBare(tier("eventLoops: 1"));
    try {
      assertThat(eventLoopsOf(one.context().vertx())).isEqualTo(1);
      assertThat(get(one.adminPort(), "/health/live").statusCode()).isEqualTo(200);
    } finally {
      one.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEventLoopCountThatIsNotAutoOrAPositiveIntegerFailsStartUp() {
    for (String bad : List.of("0", "-1", "two", "1025")) {
      var config = tier("eventLoops: " + bad);
      assertThatThrownBy(() -> RuntimeSettings.from(config))
          .isInstanceOf(ConfigException.class)
          .hasMessage(
              "tier.yaml: server.eventLoops: \"%s\" (expected: auto (one per core) or an integer"
                      .formatted(bad)
                  + " from 1 to 1024)");
    }
  }

  /** A tier with nothing of its own to start, whose server section adds {@code serverKeys}. */
  private static ConfigNode tier(String serverKeys) {
    return ConfigLoader.withVariables(Map.of())
        .parse(
            "tier.yaml",
            "instance: {name: t}\nserver: {port: 0, %s}\nadmin: {port: 0}\n".formatted(serverKeys));
  }

  private static RunningInstance startBare(ConfigNode config) throws Exception {
    return EdgeProcess.start("test", config, context -> io.vertx.core.Future.succeededFuture())
        .toCompletionStage()
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  private static int eventLoopsOf(io.vertx.core.Vertx vertx) {
    int loops = 0;
    for (var ignored : ((io.vertx.core.internal.VertxInternal) vertx).nettyEventLoopGroup()) {
      loops++;
    }
    return loops;
  }

  @Test
  void anUnknownTransportFailsStartUpListingTheChoices() {
    var config = tier("transport: uring");
    assertThatThrownBy(() -> RuntimeSettings.from(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "tier.yaml: server.transport: \"uring\" (expected: one of auto, io-uring, epoll, nio)");
  }

  @Test
  void aTransportThisMachineCannotRunIsNamedWithItsInnermostCause() {
    Transport refused =
        new Transport() {
          @Override
          public String name() {
            return "io_uring";
          }

          @Override
          public boolean available() {
            return false;
          }

          @Override
          public Throwable unavailabilityCause() {
            return new UnsatisfiedLinkError("wrapper")
                .initCause(new IllegalStateException("io_uring_setup: Operation not permitted"));
          }

          @Override
          public io.vertx.core.spi.transport.Transport implementation() {
            throw new UnsupportedOperationException();
          }
        };
    assertThatThrownBy(() -> NetworkTransport.required("io_uring", refused))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "io_uring is unavailable on this machine: IllegalStateException: io_uring_setup:"
                + " Operation not permitted");
    assertThatThrownBy(() -> NetworkTransport.required("kqueue", null))
        .hasMessage(
            "kqueue is unavailable on this machine: Netty's classes for it are not on the class"
                + " path");
  }

  private static String transportOf(io.vertx.core.Vertx vertx) {
    return ((io.vertx.core.internal.VertxInternal) vertx).transport().getClass().getSimpleName();
  }

  @Test
  void servesHealthAndMetricsOnTheAdminPort() throws Exception {
    start("");
    assertThat(get(running.adminPort(), "/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get(running.adminPort(), "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getString("outcome")).isEqualTo("UP");
    get(running.httpPort(), "/x");
    String metrics = get(running.adminPort(), "/metrics").body();
    assertThat(metrics)
        .contains("edge_failures_total{instance=\"tier-1\",kind=\"no-route\",role=\"test\"}")
        .contains("vertx_http_server_requests_total")
        .containsPattern(
            "vertx_http_server_requests_total\\{code=\"\\d{3}\",instance=\"tier-1\","
                + "method=\"GET\",role=\"test\",route=\"\"} 1.0")
        .containsPattern("vertx_http_server_response_time_seconds_sum\\{code=\"\\d{3}\"");
  }

  @Test
  void theEdgeReplacesClientForwardingHeaders() throws Exception {
    start("forwarded: {trustedProxies: []}");
    JsonObject seen =
        new JsonObject(
            get(
                    running.httpPort(),
                    "/x",
                    "X-Forwarded-For",
                    "6.6.6.6",
                    "Forwarded",
                    "for=6.6.6.6",
                    "Via",
                    "1.1 spoofed",
                    "X-Request-Id",
                    "bad id with spaces")
                .body());
    assertThat(seen.getString("client")).isEqualTo("127.0.0.1");
    assertThat(seen.getString("xff")).isEqualTo("127.0.0.1");
    assertThat(seen.getString("forwarded")).startsWith("for=127.0.0.1;").doesNotContain("6.6.6.6");
    assertThat(seen.getString("via")).isEqualTo("1.1 spoofed, 1.1 tier-1");
    assertThat(seen.getString("requestId")).matches("[0-9a-f]{32}");
  }

  @Test
  void aTrustedProxysChainIsExtendedAndTheClientIsItsRightmostUntrustedHop() throws Exception {
    start("forwarded: {trustedProxies: [127.0.0.1/32, 10.0.0.0/8]}");
    JsonObject seen =
        new JsonObject(
            get(
                    running.httpPort(),
                    "/x",
                    "X-Forwarded-For",
                    "6.6.6.6, 203.0.113.7, 10.1.2.3",
                    "X-Request-Id",
                    "keep-me-1")
                .body());
    assertThat(seen.getString("client")).isEqualTo("203.0.113.7");
    assertThat(seen.getString("xff")).isEqualTo("6.6.6.6, 203.0.113.7, 10.1.2.3, 127.0.0.1");
    assertThat(seen.getString("requestId")).isEqualTo("keep-me-1");
  }

  @Test
  void drainingTurnsReadinessDownAndLetsInFlightRequestsFinish() throws Exception {
    start("");
    int port = running.httpPort();
    int adminPort = running.adminPort();
    CompletableFuture<HttpResponse<String>> inFlight =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(slowArrived.await(5, TimeUnit.SECONDS)).as("/slow reached the server").isTrue();
    var closing = running.close();
    assertThat(get(adminPort, "/health/ready").statusCode()).isEqualTo(503);
    assertThat(closing.toCompletionStage().toCompletableFuture())
        .as("the drain waits for the request in flight")
        .isNotDone();
    assertThat(inFlight).isNotDone();
    releaseSlow.complete(null);
    assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    closing.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    running = null;
  }

  @Test
  void anInvalidCommonSectionFailsStartUpNamingTheKey() {
    var config =
        ConfigLoader.withVariables(Map.of())
            .parse(
                "tier.yaml", "instance: {name: t}\nserver: {port: 0, prot: 1}\nadmin: {port: 0}\n");
    assertThatThrownBy(
            () ->
                EdgeProcess.start("test", config, context -> io.vertx.core.Future.succeededFuture())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "tier.yaml: server.prot: unknown key (expected one of: bodyTimeout, engine, eventLoops, h2c, headerTimeout, host, http2, idleTimeout, maxBodyBytes, maxHeaderBytes, maxHeaderCount, maxRequestLineBytes, port, tls, transport)");
  }

  @Test
  void aFailedStartCompletesWithTheCauseInsteadOfHanging() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      var config =
          ConfigLoader.withVariables(Map.of())
              .parse(
                  "tier.yaml",
                  "instance: {name: t}\nserver: {port: 0}\nadmin: {port: %d}\n"
                      .formatted(taken.getLocalPort()));
      assertThatThrownBy(
              () ->
                  EdgeProcess.start(
                          "test", config, context -> io.vertx.core.Future.succeededFuture())
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("Address already in use");
    }
  }
}
