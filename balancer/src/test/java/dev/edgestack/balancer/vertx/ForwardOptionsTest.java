package dev.edgestack.balancer.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The caller's deadline and streamed body cap of {@link UpstreamPool#forward}, on real sockets. */
class ForwardOptionsTest {
  private static final ForwardOptions LIMITS =
      new ForwardOptions(Optional.of(Duration.ofMillis(300)), OptionalLong.of(1000));
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private final AtomicInteger completeBodies = new AtomicInteger();
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

  /** Hangs on /hang (counting closed connections), else reads the body and says its length. */
  private void misbehave(HttpServerRequest request) {
    if (request.path().equals("/health")) {
      request.response().end();
      return;
    }
    requests.incrementAndGet();
    if (request.path().equals("/hang")) {
      request.connection().closeHandler(ignored -> closed.incrementAndGet());
      return;
    }
    request
        .body()
        .onSuccess(
            body -> {
              completeBodies.incrementAndGet();
              request.response().end(new JsonObject().put("bytes", body.length()).encode());
            });
  }

  private int backend(Consumer<HttpServerRequest> handler) throws Exception {
    return backends
        .createHttpServer()
        .requestHandler(handler::accept)
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private void startProxy(String endpoints) throws Exception {
    String yaml =
        """
        instance: {name: forward-options-test}
        server: {host: 127.0.0.1, port: 0}
        admin: {port: 0}
        pool:
          endpoints: %s
          healthCheck: {path: /health, interval: 100ms, timeout: 100ms, rise: 1, fall: 3}
          timeouts: {connect: 500ms, request: 5s}
          retry: {attempts: 3, idempotent: true, on: [timeout, reset]}
        """
            .formatted(endpoints);
    var config = ConfigLoader.withVariables(Map.of()).parse("test.yaml", yaml);
    proxy =
        EdgeProcess.start(
                "edge-lb",
                config,
                context -> {
                  UpstreamPool pool =
                      UpstreamPool.create(
                          context, PoolConfig.from(context.config().object("pool"), "test"));
                  return context
                      .vertx()
                      .createHttpServer()
                      .requestHandler(
                          request -> {
                            Exchange exchange = Exchange.begin(request, context.accessLog());
                            pool.forward(exchange, request.uri(), headers -> {}, LIMITS)
                                .onFailure(
                                    failure -> context.failures().respond(exchange, failure));
                          })
                      .listen(0, "127.0.0.1")
                      .onSuccess(context::drainOnShutdown)
                      .mapEmpty();
                })
            .toCompletionStage()
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
        .timeout(Duration.ofSeconds(10));
  }

  private double outcomes(String outcome) {
    var timer =
        proxy.context().registry().find("edge_upstream_requests").tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void pastTheDeadlineTheAttemptIsResetNoRetryFollowsAndTheAnswerIs504() throws Exception {
    startProxy(
        "127.0.0.1:%d,127.0.0.1:%d".formatted(backend(this::misbehave), backend(this::misbehave)));

    HttpResponse<String> response =
        client.send(request("/hang").GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(new JsonObject(response.body()).getString("type"))
        .isEqualTo("urn:edge-stack:problem:upstream-timeout");
    assertThat(requests.get()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() == 1);
    assertThat(outcomes("timeout")).isEqualTo(1);
  }

  @Test
  void aStreamedBodyOverTheCapIs413AndTheUpstreamNeverGetsItComplete() throws Exception {
    startProxy("127.0.0.1:" + backend(this::misbehave));

    HttpResponse<String> small = client.send(chunked(900), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> large = client.send(chunked(6000), HttpResponse.BodyHandlers.ofString());

    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(small.body()).getInteger("bytes")).isEqualTo(900);
    assertThat(large.statusCode()).isEqualTo(413);
    assertThat(large.headers().firstValue("Connection")).contains("close");
    assertThat(completeBodies.get()).isEqualTo(1);
    // Not the endpoint's fault: reported as a local rejection, never as a failure.
    assertThat(outcomes("local_rejection")).isEqualTo(1);
    assertThat(outcomes("reset")).isZero();
  }

  private HttpRequest chunked(int bytes) {
    // An InputStream body has no known length: the JDK client sends it chunked.
    return request("/upload")
        .POST(
            HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(new byte[bytes])))
        .build();
  }
}
