package dev.edgestack.balancer.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy data path against real, misbehaving backends on ephemeral ports. */
class UpstreamPoolTest {
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private Vertx backends;
  private RunningInstance proxy;
  private final AtomicInteger healthStatusOfB = new AtomicInteger(200);

  @BeforeEach
  void startBackends() {
    backends = Vertx.vertx();
  }

  @AfterEach
  void stopAll() throws Exception {
    if (proxy != null) {
      proxy.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    backends.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int backend(String name, Consumer<HttpServerRequest> handler) throws Exception {
    HttpServer server =
        backends
            .createHttpServer()
            .requestHandler(
                request -> {
                  request.response().putHeader("X-Served-By", name);
                  handler.accept(request);
                });
    return server
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private static void echo(HttpServerRequest request) {
    request.response().putHeader("X-Request-Id", request.getHeader("X-Request-Id"));
    request
        .body()
        .onSuccess(
            body ->
                request
                    .response()
                    .putHeader("Content-Type", "application/json")
                    .end(
                        new JsonObject()
                            .put("xff", request.getHeader("X-Forwarded-For"))
                            .put("via", request.getHeader("Via"))
                            .put("requestId", request.getHeader("X-Request-Id"))
                            .put("traceparent", request.getHeader("traceparent"))
                            .put("body", body.toString())
                            .encode()));
  }

  @Test
  void vertxKeepsAnIdleConnectionForTheIdleTimeoutInWholeSecondsRoundedUp() {
    assertThat(UpstreamPool.keepAliveSeconds(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(UpstreamPool.keepAliveSeconds(Duration.ofMillis(1_500))).isEqualTo(2);
    assertThat(UpstreamPool.keepAliveSeconds(Duration.ofSeconds(50))).isEqualTo(50);
  }

  private static int deadPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  // Probes that a loaded machine does not fail: with 100 ms, three slow answers in a row took a
  // test's only endpoint out and it answered 503 instead of what the test was about.
  private static final String PATIENT_CHECKS =
      "{path: /health, interval: 1s, timeout: 1s, rise: 1, fall: 3}";
  // For the tests about health: a 503 from /health fails a probe at once, whatever the timeout.
  private static final String QUICK_CHECKS =
      "{path: /health, interval: 100ms, timeout: 100ms, rise: 1, fall: 3}";

  private void startProxy(String endpoints, String extra) throws Exception {
    startProxy(endpoints, PATIENT_CHECKS, extra);
  }

  private void startProxy(String endpoints, String healthCheck, String extra) throws Exception {
    String yaml =
        """
        instance: {name: lb-test}
        server: {host: 127.0.0.1, port: 0}
        admin: {port: 0}
        pool:
          endpoints: %s
          healthCheck: %s
          timeouts: {connect: 500ms, request: 400ms}
          retry: {attempts: 3}
        %s
        """
            .formatted(endpoints, healthCheck, extra);
    var config = ConfigLoader.withVariables(Map.of()).parse("test.yaml", yaml);
    proxy =
        EdgeProcess.start(
                "edge-lb",
                config,
                context -> {
                  UpstreamPool pool =
                      UpstreamPool.create(
                          context, PoolConfig.from(context.config().object("pool"), "test"));
                  return ProxyServer.start(context, path -> Optional.of(pool)).mapEmpty();
                })
            .toCompletionStage()
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
            .timeout(Duration.ofSeconds(5));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Consumer<HttpServerRequest> healthOr(
      Consumer<HttpServerRequest> handler, AtomicInteger status) {
    return request -> {
      if (request.path().equals("/health")) {
        request.response().setStatusCode(status.get()).end();
      } else {
        handler.accept(request);
      }
    };
  }

  @Test
  void spreadsOverEndpointsAndRetriesWhereTheConnectionWasRefused() throws Exception {
    AtomicInteger ok = new AtomicInteger(200);
    int a = backend("a", healthOr(UpstreamPoolTest::echo, ok));
    int b = backend("b", healthOr(UpstreamPoolTest::echo, ok));
    // Checks off, so that requests really meet the refused port and must be retried.
    startProxy(
        "127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d".formatted(a, b, deadPort()),
        "{enabled: false}",
        "");
    Map<String, Integer> servedBy = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> response = get("/hello");
      assertThat(response.statusCode()).isEqualTo(200);
      servedBy.merge(response.headers().firstValue("X-Served-By").orElseThrow(), 1, Integer::sum);
    }
    assertThat(servedBy.keySet()).containsExactlyInAnyOrder("a", "b");
    assertThat(servedBy.values()).allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(10));
    assertThat(
            proxy
                .context()
                .registry()
                .get("edge_upstream_requests")
                .tag("outcome", "connect_failure")
                .timer()
                .count())
        .isGreaterThanOrEqualTo(5);
  }

  @Test
  void aResponseCutShortReachesTheClientCutShortNotComplete() throws Exception {
    AtomicInteger ok = new AtomicInteger(200);
    int cut =
        backend(
            "cut",
            healthOr(
                request -> {
                  request.response().setChunked(true).write("part1-");
                  backends.setTimer(50, id -> request.connection().close());
                },
                ok));
    startProxy("127.0.0.1:" + cut, "");
    assertThatThrownBy(() -> get("/cut")).isInstanceOf(IOException.class);
  }

  @Test
  void aResponseThatStallsAfterItsHeadIsEndedByTheIdleTimeout() throws Exception {
    AtomicInteger ok = new AtomicInteger(200);
    int stall =
        backend("stall", healthOr(request -> request.response().setChunked(true).write("x"), ok));
    startProxy("127.0.0.1:" + stall, "");
    long start = System.nanoTime();
    assertThatThrownBy(() -> get("/stall"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(java.net.http.HttpTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void anUploadTheClientAbandonsNeverReachesTheBackendAsComplete() throws Exception {
    AtomicInteger ok = new AtomicInteger(200);
    java.util.concurrent.ConcurrentLinkedQueue<String> seen =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.atomic.AtomicBoolean arrived =
        new java.util.concurrent.atomic.AtomicBoolean();
    int sink =
        backend(
            "sink",
            healthOr(
                request -> {
                  arrived.set(true);
                  request
                      .body()
                      .onComplete(
                          body -> {
                            seen.add(body.succeeded() ? "complete" : "failed");
                            if (body.succeeded()) {
                              request.response().end();
                            }
                          });
                },
                ok));
    startProxy("127.0.0.1:" + sink, "");
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.httpPort())) {
      socket
          .getOutputStream()
          .write(
              ("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + "a\r\n0123456789\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      // The upload is under way at the backend before the client walks away.
      await().atMost(Duration.ofSeconds(2)).until(arrived::get);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
    assertThat(seen).containsExactly("failed");
  }

  @Test
  void replacesClientForwardingHeadersAndAppendsVia() throws Exception {
    AtomicInteger ok = new AtomicInteger(200);
    int a = backend("a", healthOr(UpstreamPoolTest::echo, ok));
    startProxy("127.0.0.1:" + a, "");
    HttpResponse<String> response =
        get(
            "/x",
            "X-Forwarded-For",
            "6.6.6.6",
            "X-Request-Id",
            "client-id-1",
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    JsonObject seen = new JsonObject(response.body());
    assertThat(seen.getString("xff")).isEqualTo("127.0.0.1");
    assertThat(seen.getString("via")).isEqualTo("1.1 lb-test");
    assertThat(seen.getString("requestId")).isEqualTo("client-id-1");
    assertThat(seen.getString("traceparent"))
        .startsWith("00-0af7651916cd43dd8448eb211c80319c-")
        .doesNotContain("b7ad6b7169203331");
    assertThat(response.headers().firstValue("Via")).hasValue("1.1 lb-test");
    assertThat(response.headers().allValues("X-Request-Id")).containsExactly("client-id-1");
  }

  @Test
  void pipesRequestBodies() throws Exception {
    AtomicInteger ok = new AtomicInteger(200);
    int a = backend("a", healthOr(UpstreamPoolTest::echo, ok));
    startProxy("127.0.0.1:" + a, "");
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/post"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(new JsonObject(response.body()).getString("body")).hasSize(100_000);
  }

  @Test
  void answers504WhenTheEndpointNeverAnswers() throws Exception {
    AtomicInteger ok = new AtomicInteger(200);
    int silent = backend("silent", healthOr(request -> {}, ok));
    startProxy("127.0.0.1:" + silent, "");
    HttpResponse<String> response = get("/hang");
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("requestId")).isNotBlank();
  }

  @Test
  void stopsSendingToAnEndpointThatFailsItsHealthCheck() throws Exception {
    AtomicInteger ok = new AtomicInteger(200);
    int a = backend("a", healthOr(UpstreamPoolTest::echo, ok));
    int b = backend("b", healthOr(UpstreamPoolTest::echo, healthStatusOfB));
    startProxy("127.0.0.1:%d,127.0.0.1:%d".formatted(a, b), QUICK_CHECKS, "");
    healthStatusOfB.set(503);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              for (int i = 0; i < 4; i++) {
                assertThat(get("/x").headers().firstValue("X-Served-By")).hasValue("a");
              }
            });
    healthStatusOfB.set(200);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get("/x").headers().firstValue("X-Served-By").orElse("").equals("b"));
  }

  @Test
  void answers503WhenNoEndpointIsHealthy() throws Exception {
    AtomicInteger down = new AtomicInteger(503);
    int a = backend("a", healthOr(UpstreamPoolTest::echo, down));
    startProxy("127.0.0.1:" + a, QUICK_CHECKS, "");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(get("/x").statusCode()).isEqualTo(503));
    assertThat(new JsonObject(get("/x").body()).getString("type")).endsWith("no-healthy-endpoint");
  }
}
