package dev.edgestack.balancer.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Promise;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the relay does when its {@link RelayGate} misbehaves: a decision that never comes, one that
 * comes after the client was answered, and a gate that throws. A gateway's own steps have their
 * timeouts; these are the relay's last line.
 */
class RelayGateDecisionTest {
  private final ConcurrentLinkedQueue<Promise<RelayRoute>> pending = new ConcurrentLinkedQueue<>();
  private final AtomicReference<UpstreamPool> pool = new AtomicReference<>();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private RunningInstance relay;

  @BeforeEach
  void start() throws Exception {
    String yaml =
        """
        instance: {name: gate-test}
        server: {host: 127.0.0.1, port: 0, engine: relay, idleTimeout: 400ms}
        admin: {port: 0}
        pool:
          endpoints: 127.0.0.1:9
          healthCheck: {enabled: false}
        """;
    var config = ConfigLoader.withVariables(Map.of()).parse("gate-test.yaml", yaml);
    RelayGate gate =
        request -> {
          if (request.path().equals("/throws")) {
            throw new IllegalStateException("a gate bug");
          }
          Promise<RelayRoute> decision = Promise.promise();
          pending.add(decision);
          return decision.future();
        };
    relay =
        EdgeProcess.start(
                "edge-lb",
                config,
                context -> {
                  pool.set(
                      UpstreamPool.create(
                          context, PoolConfig.from(context.config().object("pool"), "test")));
                  return ProxyServer.startRelay(
                      context, gate, request -> request.response().setStatusCode(500).end());
                })
            .toCompletionStage()
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (relay != null) {
      relay.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDecisionThatNeverComesIsAnswered503AfterTheIdleTimeout() throws Exception {
    long start = System.nanoTime();

    HttpResponse<String> response = get("/never");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).contains("application/problem+json"));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(350))
        .isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aDecisionAfterTheAnswerIsToldTheRequestEndedAndNothingIsForwarded() throws Exception {
    HttpResponse<String> response = get("/late");
    assertThat(response.statusCode()).isEqualTo(503);
    AtomicReference<String> told = new AtomicReference<>();

    // What the gate began (a circuit breaker's permit, a route's meter) must still end.
    pending
        .poll()
        .complete(
            RelayRoute.to(pool.get())
                .withCompletion(
                    (status, failure, durationNanos) -> told.set(status + " " + failure)));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(told.get()).isEqualTo("503 " + FailureKind.UNAVAILABLE));
    assertThat(get("/throws").statusCode()).isEqualTo(500);
  }

  @Test
  void aGateThatThrowsIsAnswered500AndTheConnectionServesTheNextRequest() throws Exception {
    assertThat(get("/throws").statusCode()).isEqualTo(500);
    assertThat(get("/throws").statusCode()).isEqualTo(500);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.httpPort() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
