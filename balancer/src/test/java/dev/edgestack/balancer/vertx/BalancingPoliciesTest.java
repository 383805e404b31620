package dev.edgestack.balancer.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.micrometer.core.instrument.search.Search;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strategies, limits, retries and ejection through a real proxy and real misbehaving backends. */
class BalancingPoliciesTest {
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private Vertx backends;
  private RunningInstance proxy;

  @BeforeEach
  void startBackends() {
    backends = Vertx.vertx();
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      if (proxy != null) {
        proxy.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    } finally {
      backends.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private int backend(String name, Consumer<HttpServerRequest> handler) throws Exception {
    return backends
        .createHttpServer()
        .requestHandler(
            request -> {
              request.response().putHeader("X-Served-By", name);
              handler.accept(request);
            })
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private static void ok(HttpServerRequest request) {
    request.body().onSuccess(body -> request.response().end("ok"));
  }

  private void startProxy(String poolYaml) throws Exception {
    startProxy(poolYaml, "vertx");
  }

  private void startProxy(String poolYaml, String engine) throws Exception {
    String yaml =
        """
        instance: {name: lb-test}
        server: {host: 127.0.0.1, port: 0, engine: %s}
        admin: {port: 0}
        pool:
        %s
        """
            .formatted(engine, poolYaml.indent(2));
    var config = ConfigLoader.withVariables(Map.of()).parse("test.yaml", yaml);
    proxy =
        EdgeProcess.start(
                "edge-lb",
                config,
                context -> {
                  UpstreamPool pool =
                      UpstreamPool.create(
                          context, PoolConfig.from(context.config().object("pool"), "test"));
                  BalancerAdmin.mount(context.adminRouter(), List.of(pool));
                  return ProxyServer.start(context, path -> Optional.of(pool)).mapEmpty();
                })
            .toCompletionStage()
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
            .timeout(Duration.ofSeconds(5));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return request;
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    return client.send(request(path, headers).build(), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> getAsync(String path) {
    return client.sendAsync(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Search meter(String name) {
    return proxy.context().registry().find(name);
  }

  private double count(String name, String... tags) {
    return meter(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum()
        + meter(name).tags(tags).functionCounters().stream().mapToDouble(c -> c.count()).sum()
        + meter(name).tags(tags).timers().stream().mapToDouble(t -> t.count()).sum();
  }

  private static final String NO_CHECKS = "healthCheck: {enabled: false}\n";

  @Test
  void weightsInTheEndpointListShapeSmoothWeightedShares() throws Exception {
    int a = backend("a", BalancingPoliciesTest::ok);
    int b = backend("b", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "strategy: weighted-round-robin\nendpoints: 127.0.0.1:%d;weight=3,127.0.0.1:%d\n"
                .formatted(a, b));
    List<String> servedBy = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      servedBy.add(get("/").headers().firstValue("X-Served-By").orElseThrow());
    }
    assertThat(servedBy.stream().filter("a"::equals).count()).isEqualTo(30);
    assertThat(get("/").headers().firstValue("X-Balancer-Decision")).as("off by default").isEmpty();
    assertThat(String.join("", servedBy)).doesNotContain("aaaa");
  }

  @Test
  void consistentHashingKeepsAKeyOnOneEndpoint() throws Exception {
    int a = backend("a", BalancingPoliciesTest::ok);
    int b = backend("b", BalancingPoliciesTest::ok);
    int c = backend("c", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "strategy: consistent-hash\nhash: {on: header, name: X-Account}\n"
            + "endpoints: 127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d\n".formatted(a, b, c));
    Map<String, String> placement = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int key = 0; key < 30; key++) {
        String servedBy =
            get("/", "X-Account", "acc-" + key).headers().firstValue("X-Served-By").orElseThrow();
        String first = placement.putIfAbsent("acc-" + key, servedBy);
        assertThat(servedBy).isEqualTo(first == null ? servedBy : first);
      }
    }
    assertThat(placement.values()).contains("a", "b", "c");
  }

  @Test
  void aFullEndpointQueuesThenRejectsWith503WithoutCountingItAgainstTheEndpoint() throws Exception {
    ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
    int slow = backend("slow", held::add);
    startProxy(
        NO_CHECKS
            + "endpoints: 127.0.0.1:%d\n".formatted(slow)
            + "limits: {maxRequestsPerEndpoint: 1, queueSize: 1, queueTimeout: 3s}\n"
            + "outlierDetection: {consecutive5xx: 1, consecutiveLocalFailures: 1}\n");
    CompletableFuture<HttpResponse<String>> first = getAsync("/1");
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    CompletableFuture<HttpResponse<String>> queued = getAsync("/2");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> meter("edge_pool_queue_length").gauge().value() == 1);
    HttpResponse<String> rejected = get("/3");
    assertThat(rejected.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(rejected.body()).getString("detail")).contains("queue full");
    assertThat(count("edge_pool_rejections", "reason", "queue_full")).isEqualTo(1);

    held.poll().response().end("one");
    assertThat(first.get(5, TimeUnit.SECONDS).body()).isEqualTo("one");
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    held.poll().response().end("two");
    assertThat(queued.get(5, TimeUnit.SECONDS).body()).isEqualTo("two");

    assertThat(count("edge_upstream_requests", "outcome", "connect_failure")).isZero();
    assertThat(count("edge_outlier_ejections")).isZero();
    assertThat(proxy.context().registry().find("edge_endpoint_ejected").gauge().value()).isZero();
  }

  @Test
  void aQueuedRequestGivesUpAfterTheQueueTimeout() throws Exception {
    ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
    int slow = backend("slow", held::add);
    startProxy(
        NO_CHECKS
            + "endpoints: 127.0.0.1:%d\n".formatted(slow)
            + "limits: {maxRequestsPerEndpoint: 1, queueSize: 10, queueTimeout: 200ms}\n");
    CompletableFuture<HttpResponse<String>> first = getAsync("/1");
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
    long start = System.nanoTime();
    HttpResponse<String> timedOut = get("/2");
    assertThat(timedOut.statusCode()).isEqualTo(503);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(count("edge_pool_rejections", "reason", "queue_timeout")).isEqualTo(1);
    held.poll().response().end("one");
    assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"vertx", "relay"})
  void aQueuedRequestWhoseDeadlinePassesIsATimeoutNotABusyPool(String engine) throws Exception {
    ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
    // The first answer starts at once and then streams on, holding the endpoint's only slot past
    // the deadline of the request queued behind it (a started answer is no longer timed out, but
    // one that stalls for the request timeout is cut). The timeout is twenty write intervals: at
    // 300 ms a loaded machine stalled the stream that long, the slot came free and the second
    // request was sent, and cut in turn, instead of timing out in the queue.
    int slow =
        backend(
            "slow",
            request -> {
              held.add(request);
              request.response().setChunked(true).write("streaming");
              // Often enough that no idle timeout ends it.
              backends.setPeriodic(
                  50,
                  timer -> {
                    if (request.response().ended() || request.response().closed()) {
                      backends.cancelTimer(timer);
                    } else {
                      request.response().write(".");
                    }
                  });
            });
    startProxy(
        NO_CHECKS
            + "endpoints: 127.0.0.1:%d\n".formatted(slow)
            + "timeouts: {request: 1s}\n"
            + "limits: {maxRequestsPerEndpoint: 1, queueSize: 10, queueTimeout: 5s}\n",
        engine);
    CompletableFuture<HttpResponse<String>> first = getAsync("/1");
    await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);

    HttpResponse<String> timedOut = get("/2");

    assertThat(timedOut.statusCode()).as(timedOut.body()).isEqualTo(504);
    assertThat(count("edge_pool_rejections", "reason", "queue_full")).isZero();
    held.forEach(request -> backends.runOnContext(ignored -> request.response().end()));
    assertThat(first.get(5, TimeUnit.SECONDS).body()).startsWith("streaming");
  }

  @Test
  void anIdempotentGetAnswered503IsRetriedOnAnotherEndpoint() throws Exception {
    AtomicInteger failed = new AtomicInteger();
    int a =
        backend(
            "a",
            request -> {
              failed.incrementAndGet();
              request.response().setStatusCode(503).end("busy");
            });
    int b = backend("b", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "endpoints: 127.0.0.1:%d,127.0.0.1:%d\n".formatted(a, b)
            + "retry: {attempts: 2, idempotent: true, on: [503]}\n");
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = get("/");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-Served-By")).hasValue("b");
    }
    assertThat(failed.get()).isPositive();
    assertThat(count("edge_retries", "reason", "503")).isEqualTo(failed.get());
    assertThat(count("edge_upstream_requests", "outcome", "server_error")).isEqualTo(failed.get());
  }

  @Test
  void aPostThatWasSentIsNeverRetriedAndNothingIsRetriedOnTheSameEndpoint() throws Exception {
    AtomicInteger posts = new AtomicInteger();
    AtomicInteger gets = new AtomicInteger();
    int resetting =
        backend(
            "resetting",
            request -> {
              (request.method().name().equals("POST") ? posts : gets).incrementAndGet();
              request.connection().close();
            });
    startProxy(
        NO_CHECKS
            + "endpoints: 127.0.0.1:%d\n".formatted(resetting)
            + "retry: {attempts: 3, idempotent: true, on: [reset]}\n");
    assertThat(post("/pay", "{\"amount\": 1}").statusCode()).isEqualTo(502);
    assertThat(posts.get()).isEqualTo(1);
    // A single endpoint leaves nowhere else to go: the GET is not sent twice to the same one.
    assertThat(get("/x").statusCode()).isEqualTo(502);
    assertThat(gets.get()).isEqualTo(1);
  }

  @Test
  void aGetCutOffByAResetIsRetriedOnAnotherEndpoint() throws Exception {
    AtomicInteger resets = new AtomicInteger();
    int resetting =
        backend(
            "resetting",
            request -> {
              resets.incrementAndGet();
              request.connection().close();
            });
    int healthy = backend("healthy", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "endpoints: 127.0.0.1:%d,127.0.0.1:%d\n".formatted(resetting, healthy)
            + "retry: {attempts: 2, idempotent: true, on: [reset]}\n");
    for (int i = 0; i < 6; i++) {
      assertThat(get("/").statusCode()).isEqualTo(200);
    }
    assertThat(resets.get()).isPositive();
    assertThat(count("edge_upstream_requests", "outcome", "reset")).isEqualTo(resets.get());
    assertThat(count("edge_retries", "reason", "reset")).isEqualTo(resets.get());
  }

  @Test
  void anEndpointAnsweringFast503sIsEjectedAndTheOtherTakesTheTraffic() throws Exception {
    int failing = backend("failing", request -> request.response().setStatusCode(503).end());
    int healthy = backend("healthy", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "endpoints: 127.0.0.1:%d,127.0.0.1:%d\n".formatted(failing, healthy)
            + "outlierDetection: {consecutive5xx: 3, baseEjectionTime: 30s}\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              get("/");
              return count("edge_outlier_ejections") == 1;
            });
    for (int i = 0; i < 10; i++) {
      assertThat(get("/").headers().firstValue("X-Served-By")).hasValue("healthy");
    }
    assertThat(
            meter("edge_endpoint_ejected").tag("endpoint", "127.0.0.1:" + failing).gauge().value())
        .isEqualTo(1);
  }

  @Test
  void aBackendThatAcceptsButNeverAnswersCostsTheRequestTimeoutThenIsEjected() throws Exception {
    AtomicInteger silentPosts = new AtomicInteger();
    int silent =
        backend(
            "silent",
            request -> {
              if (request.method().name().equals("POST")) {
                silentPosts.incrementAndGet();
              }
            });
    int healthy = backend("healthy", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "strategy: round-robin\n"
            + "endpoints: 127.0.0.1:%d,127.0.0.1:%d\n".formatted(silent, healthy)
            + "timeouts: {connect: 1s, request: 300ms}\n"
            + "retry: {attempts: 2, idempotent: true, on: [reset]}\n"
            + "outlierDetection: {consecutive5xx: 0, consecutiveLocalFailures: 2,"
            + " baseEjectionTime: 30s}\n");

    List<Integer> statuses = new ArrayList<>();
    while (count("edge_outlier_ejections") == 0 && statuses.size() < 20) {
      statuses.add(post("/pay", "{}").statusCode());
    }

    assertThat(statuses).as("what the client saw until the silent one was ejected").contains(504);
    assertThat(statuses).containsOnly(200, 504);
    assertThat(silentPosts.get())
        .as("each POST the silent endpoint swallowed was answered 504, never sent again")
        .isEqualTo((int) statuses.stream().filter(status -> status == 504).count());
    assertThat(count("edge_upstream_requests", "outcome", "timeout")).isEqualTo(silentPosts.get());
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = post("/pay", "{}");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-Served-By")).hasValue("healthy");
    }
  }

  @Test
  void theLatencyAwareStrategyGivesASlowBackendLittleTraffic() throws Exception {
    AtomicInteger slowServed = new AtomicInteger();
    int slow =
        backend(
            "slow",
            request -> {
              slowServed.incrementAndGet();
              request
                  .body()
                  .onSuccess(body -> backends.setTimer(40, id -> request.response().end("ok")));
            });
    int fast = backend("fast", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "strategy: power-of-two-choices\n"
            + "endpoints: 127.0.0.1:%d,127.0.0.1:%d\n".formatted(slow, fast)
            + "latency: {decay: 10s, errorPenalty: 1s}\n");

    for (int i = 0; i < 100; i++) {
      assertThat(get("/").statusCode()).isEqualTo(200);
    }

    assertThat(slowServed.get()).as("requests of 100 the 40 ms backend served").isLessThan(20);
  }

  @Test
  void aPooledConnectionTheBackendClosedWhileIdleDoesNotFailTheNextRequest() throws Exception {
    AtomicInteger closed = new AtomicInteger();
    int closing =
        backend(
            "closing",
            request -> {
              request.response().end("ok");
              request.connection().closeHandler(ignored -> closed.incrementAndGet());
              backends.setTimer(50, id -> request.connection().close());
            });
    startProxy(NO_CHECKS + "endpoints: 127.0.0.1:%d\n".formatted(closing));
    for (int i = 0; i < 5; i++) {
      assertThat(get("/").statusCode()).isEqualTo(200);
      int expected = i + 1;
      await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() == expected);
    }
  }

  private HttpResponse<String> admin(String method, String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theAdminApiListsAddsReweighsDrainsAndRemovesEndpointsWithoutDroppingRequests()
      throws Exception {
    ConcurrentLinkedQueue<HttpServerRequest> heldOnA = new ConcurrentLinkedQueue<>();
    AtomicInteger holdOnA = new AtomicInteger(1);
    int a =
        backend(
            "a",
            request -> {
              if (holdOnA.getAndDecrement() > 0) {
                heldOnA.add(request);
              } else {
                ok(request);
              }
            });
    int b = backend("b", BalancingPoliciesTest::ok);
    int c = backend("c", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "strategy: weighted-round-robin\n"
            + "endpoints: 127.0.0.1:%d,127.0.0.1:%d\n".formatted(a, b));

    JsonObject listed = new JsonObject(admin("GET", "/admin/pools", null).body());
    JsonObject pool = listed.getJsonArray("pools").getJsonObject(0);
    assertThat(pool.getString("name")).isEqualTo("test");
    assertThat(pool.getString("strategy")).isEqualTo("weighted-round-robin");
    assertThat(pool.getJsonArray("endpoints")).hasSize(2);
    assertThat(pool.getJsonArray("endpoints").getJsonObject(0).getJsonArray("state"))
        .containsExactly("healthy");

    // A request held on a while a is drained: it still completes; new ones go elsewhere.
    CompletableFuture<HttpResponse<String>> inFlight = getAsync("/held");
    await().atMost(Duration.ofSeconds(5)).until(() -> heldOnA.size() == 1);
    HttpResponse<String> drained =
        admin("PATCH", "/admin/pools/test/endpoints/127.0.0.1:" + a, "{\"draining\": true}");
    assertThat(drained.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(drained.body()).getJsonArray("state")).contains("draining");
    assertThat(new JsonObject(drained.body()).getInteger("inFlight")).isEqualTo(1);
    for (int i = 0; i < 4; i++) {
      assertThat(get("/").headers().firstValue("X-Served-By")).hasValue("b");
    }
    heldOnA.poll().response().end("held");
    assertThat(inFlight.get(5, TimeUnit.SECONDS).body()).isEqualTo("held");

    HttpResponse<String> added =
        admin(
            "POST",
            "/admin/pools/test/endpoints",
            "{\"endpoint\": \"127.0.0.1:%d;weight=3\"}".formatted(c));
    assertThat(added.statusCode()).isEqualTo(201);
    List<String> servedBy = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      servedBy.add(get("/").headers().firstValue("X-Served-By").orElseThrow());
    }
    assertThat(servedBy.stream().filter("c"::equals).count()).isEqualTo(6);

    assertThat(
            admin("PATCH", "/admin/pools/test/endpoints/127.0.0.1:" + c, "{\"weight\": 1}")
                .statusCode())
        .isEqualTo(200);
    assertThat(admin("DELETE", "/admin/pools/test/endpoints/127.0.0.1:" + c, null).statusCode())
        .isEqualTo(204);
    for (int i = 0; i < 4; i++) {
      assertThat(get("/").headers().firstValue("X-Served-By")).hasValue("b");
    }
    assertThat(
            proxy.context().registry().find("edge_endpoint_in_flight").gauges().stream()
                .map(g -> g.getId().toString())
                .toList())
        .hasSize(2);

    assertThat(admin("GET", "/admin/pools/nope", null).statusCode()).isEqualTo(404);
    assertThat(
            admin("PATCH", "/admin/pools/test/endpoints/127.0.0.1:" + b, "{\"weight\": 0}")
                .statusCode())
        .isEqualTo(400);
    assertThat(admin("POST", "/admin/pools/test/endpoints", "{\"endpoint\": \"x\"}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void theDebugHeaderTellsWhyAnEndpointWasChosenWhenEnabled() throws Exception {
    int a = backend("a", BalancingPoliciesTest::ok);
    int b = backend("b", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "strategy: power-of-two-choices\n"
            + "endpoints: 127.0.0.1:%d,127.0.0.1:%d\n".formatted(a, b)
            + "debugHeader: {enabled: true}\n");
    get("/");
    HttpResponse<String> response = get("/");
    String decision = response.headers().firstValue("X-Balancer-Decision").orElseThrow();
    String servedPort =
        response.headers().firstValue("X-Served-By").orElseThrow().equals("a")
            ? String.valueOf(a)
            : String.valueOf(b);
    assertThat(decision)
        .startsWith("test: power-of-two-choices; ")
        .contains(" vs ")
        .contains("inFlight=")
        .contains("latencyMs=")
        .endsWith("-> 127.0.0.1:" + servedPort);
  }

  @Test
  void aTcpHealthCheckTakesAnEndpointThatRefusesConnectionsOutOfRotation() throws Exception {
    int live = backend("live", BalancingPoliciesTest::ok);
    int dead;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    startProxy(
        "healthCheck: {type: tcp, interval: 100ms, timeout: 100ms, rise: 1, fall: 1}\n"
            + "endpoints: 127.0.0.1:%d,127.0.0.1:%d\n".formatted(live, dead));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                meter("edge_endpoint_healthy").tag("endpoint", "127.0.0.1:" + dead).gauge().value()
                    == 0);
    assertThat(meter("edge_endpoint_healthy").tag("endpoint", "127.0.0.1:" + live).gauge().value())
        .isEqualTo(1);
    for (int i = 0; i < 6; i++) {
      assertThat(get("/").statusCode()).isEqualTo(200);
    }
    assertThat(count("edge_upstream_requests", "outcome", "connect_failure")).isZero();
  }

  @Test
  void aHostNameIsReResolvedAndEachAddressBecomesAnEndpoint() throws Exception {
    int port = backend("named", BalancingPoliciesTest::ok);
    startProxy(
        NO_CHECKS
            + "endpoints: localhost:%d;weight=2\n".formatted(port)
            + "dns: {enabled: true, refresh: 100ms}\n");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              JsonObject pool = new JsonObject(admin("GET", "/admin/pools/test", null).body());
              List<String> addresses = new ArrayList<>();
              pool.getJsonArray("endpoints")
                  .forEach(e -> addresses.add(((JsonObject) e).getString("address")));
              assertThat(addresses)
                  .contains("127.0.0.1:" + port)
                  .doesNotContain("localhost:" + port);
              pool.getJsonArray("endpoints")
                  .forEach(e -> assertThat(((JsonObject) e).getInteger("weight")).isEqualTo(2));
            });
    for (int i = 0; i < 4; i++) {
      assertThat(get("/").statusCode()).isEqualTo(200);
    }
  }
}
