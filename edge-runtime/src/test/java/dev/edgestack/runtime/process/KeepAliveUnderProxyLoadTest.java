package dev.edgestack.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Vert.x server on the transport {@code auto} picks, answering each request with what its own
 * HTTP client fetched from a backend (what the gateway's Vert.x listener does), must keep every
 * keep-alive connection open.
 *
 * <p>With Netty 4.2.9 (the version Vert.x 5.0.7 brings) and io_uring, about one request in 3000
 * found its connection closed with no answer: this test failed in three runs of four, and
 * GatewayReloadTest in every run. Netty 4.2.18 (pinned in the root pom) loses none.
 */
class KeepAliveUnderProxyLoadTest {
  private static final int CLIENTS = 4;
  private static final int REQUESTS_PER_CLIENT = 1500;

  private final Vertx backendVertx = Vertx.vertx();
  private final Vertx vertx =
      Vertx.builder().withTransport(NetworkTransport.AUTO.resolve().transport()).build();

  @AfterEach
  void stop() throws Exception {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } finally {
      backendVertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyRequestIsAnsweredOnItsKeepAliveConnection() throws Exception {
    HttpServer backend =
        backendVertx
            .createHttpServer()
            .requestHandler(request -> request.response().end("from the backend"))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    HttpClientAgent upstream = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    RequestOptions toBackend =
        new RequestOptions()
            .setHost("127.0.0.1")
            .setPort(backend.actualPort())
            .setURI("/")
            .setMethod(HttpMethod.GET)
            .setTimeout(5_000);
    HttpServer proxy =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    upstream
                        .request(toBackend)
                        .compose(call -> call.send())
                        .compose(response -> response.body())
                        .onComplete(
                            body -> {
                              if (body.succeeded()) {
                                request.response().end(body.result());
                              } else {
                                request.response().setStatusCode(502).end();
                              }
                            }))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);

    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest get =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.actualPort() + "/"))
            .timeout(Duration.ofSeconds(5))
            .build();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < REQUESTS_PER_CLIENT && failures.size() < 10; i++) {
                  try {
                    HttpResponse<String> response =
                        client.send(get, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                      failures.add("status " + response.statusCode());
                    }
                  } catch (Exception e) {
                    failures.add(e.toString());
                  }
                }
              }));
    }
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    assertThat(failures).isEmpty();
  }
}
