package dev.edgestack.samples;

import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts sample services in this JVM on ephemeral ports and talks HTTP to them. */
final class Instances {
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private Instances() {}

  /** A minimal file for {@code service}; {@code extra} is appended as top-level YAML. */
  static String yaml(String service, String extra) {
    return "service: "
        + service
        + "\n"
        + "instance:\n  name: "
        + service
        + "-test\n"
        + "server:\n  host: 127.0.0.1\n  port: 0\n"
        + "admin:\n  port: 0\n"
        + "shutdown:\n  timeout: 5s\n"
        + extra;
  }

  static ConfigNode parse(String yaml) {
    return ConfigLoader.withVariables(Map.of()).parse("test.yaml", yaml);
  }

  static RunningInstance start(String yaml) throws Exception {
    return start(parse(yaml));
  }

  static RunningInstance start(ConfigNode config) throws Exception {
    return get(EdgeProcess.start("service", config, SampleServices.deployable()));
  }

  static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static void close(RunningInstance running) throws Exception {
    if (running != null) {
      get(running.close());
    }
  }

  static HttpRequest.Builder request(int port, String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(5));
  }

  static HttpResponse<String> send(HttpRequest request) throws Exception {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(int port, String pathAndQuery, String... headers)
      throws Exception {
    HttpRequest.Builder builder = request(port, pathAndQuery).GET();
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return send(builder.build());
  }
}
