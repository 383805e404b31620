package dev.edgestack.edgelb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** edge-lb's endpoints follow its file (and the admin reload) with requests flowing. */
class EdgeLbReloadTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path folder;

  @Test
  void endpointsAddedReweighedAndRemovedByReloadWithoutAFailedRequest() throws Exception {
    Vertx vertx = Vertx.vertx();
    RunningInstance edge = null;
    Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    try {
      int a = backend(vertx, "a");
      int b = backend(vertx, "b");
      Path file = folder.resolve("edge-lb.yaml");
      write(file, config("127.0.0.1:" + a, "round-robin"));
      edge =
          EdgeProcess.start(
                  "edge-lb", ConfigLoader.withVariables(Map.of()).load(file), new EdgeLbMain())
              .await(20, TimeUnit.SECONDS);
      String url = "http://127.0.0.1:" + edge.httpPort() + "/";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      for (int i = 0; i < 3; i++) {
        clients.add(
            CompletableFuture.runAsync(
                () -> {
                  int sent = 0;
                  while (running.get() && sent++ < 20_000 && System.nanoTime() < deadline) {
                    try {
                      HttpResponse<String> response = get(url);
                      if (response.statusCode() == 200) {
                        servedBy
                            .computeIfAbsent(response.body(), k -> new AtomicInteger())
                            .incrementAndGet();
                      } else {
                        failures.add("status " + response.statusCode());
                      }
                    } catch (Exception e) {
                      failures.add(e.toString());
                    }
                  }
                }));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> count(servedBy, "a") > 20);

      write(file, config("127.0.0.1:%d,127.0.0.1:%d;weight=3".formatted(a, b), "round-robin"));
      assertThat(reload(edge).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> count(servedBy, "b") > 60);

      write(file, config("127.0.0.1:%d;weight=x".formatted(a), "round-robin"));
      HttpResponse<String> invalid = reload(edge);
      assertThat(invalid.statusCode()).isEqualTo(422);
      assertThat(invalid.body()).contains("pool.endpoints");

      write(file, config("127.0.0.1:%d".formatted(b), "least-requests"));
      assertThat(reload(edge).body()).contains("pool.strategy").contains("restart");

      write(file, config("127.0.0.1:%d".formatted(b), "round-robin"));
      assertThat(reload(edge).statusCode()).isEqualTo(200);
      // Requests already on their way to a finish there; after those, a gets nothing new.
      int servedByB = count(servedBy, "b");
      await().atMost(Duration.ofSeconds(10)).until(() -> count(servedBy, "b") > servedByB + 60);
      int servedByA = count(servedBy, "a");
      int laterB = count(servedBy, "b");
      await().atMost(Duration.ofSeconds(10)).until(() -> count(servedBy, "b") > laterB + 60);
      assertThat(count(servedBy, "a")).as("a, removed, gets nothing new").isEqualTo(servedByA);
    } finally {
      running.set(false);
      CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      if (edge != null) {
        edge.close().await(20, TimeUnit.SECONDS);
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    assertThat(failures).as("requests that failed across the reloads").isEmpty();
  }

  private static int count(Map<String, AtomicInteger> servedBy, String name) {
    AtomicInteger count = servedBy.get(name);
    return count == null ? 0 : count.get();
  }

  private static int backend(Vertx vertx, String name) throws Exception {
    return vertx
        .createHttpServer()
        .requestHandler(request -> request.response().end(name))
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private static String config(String endpoints, String strategy) {
    return """
        instance: {name: edge-reload-test}
        server: {port: 0}
        admin: {port: 0}
        pool:
          name: gateways
          strategy: %s
          endpoints: "%s"
          healthCheck: {enabled: false}
        """
        .formatted(strategy, endpoints);
  }

  private void write(Path file, String yaml) throws Exception {
    Path next = folder.resolve("next.yaml");
    Files.writeString(next, yaml);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> reload(RunningInstance edge) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.adminPort() + "/admin/reload"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
