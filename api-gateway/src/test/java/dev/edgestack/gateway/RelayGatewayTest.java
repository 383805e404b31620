package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.testing.EchoUpstream;
import dev.edgestack.gateway.testing.FreePorts;
import dev.edgestack.gateway.testing.Http;
import dev.edgestack.gateway.testing.JwksServer;
import dev.edgestack.gateway.testing.ReadyGateway;
import dev.edgestack.gateway.testing.TestKeys;
import dev.edgestack.gateway.testing.Tokens;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole gateway in this JVM on {@code server.engine: relay}, against a real JWKS endpoint, a real
 * Hazelcast member for the shared rate limit and real echo upstreams: the pipeline's answers are
 * those of the Vert.x listener.
 */
class RelayGatewayTest extends GatewayEngineContract {
  private static final Path CONFIG = Path.of("src/test/resources/gateway-relay-test.yaml");
  private static Vertx vertx;
  private static JwksServer issuer;
  private static EchoUpstream services;
  private static EchoUpstream canary;
  private static RunningInstance gateway;
  private static String base;
  private static Map<String, String> variables;

  @BeforeAll
  static void startGateway() throws Exception {
    vertx = Vertx.vertx();
    issuer = JwksServer.start(vertx, TestKeys.primary());
    services = EchoUpstream.start(vertx, "services-1");
    canary = EchoUpstream.start(vertx, "canary-1");
    int clusterPort = FreePorts.next();
    variables =
        Map.of(
            "JWKS_URL", issuer.url(),
            "UPSTREAM", services.endpoint(),
            "CANARY", canary.endpoint(),
            "DEAD", "127.0.0.1:" + FreePorts.next(),
            "CLUSTER_NAME", "gateway-relay-test-" + UUID.randomUUID(),
            "CLUSTER_PORT", Integer.toString(clusterPort));
    ConfigNode config = ConfigLoader.withVariables(variables).load(CONFIG);
    gateway = ReadyGateway.start(config);
    base = "http://127.0.0.1:" + gateway.httpPort();
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    canary.close();
    services.close();
    issuer.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Override
  String base() {
    return base;
  }

  @Override
  String instanceName() {
    return "gateway-relay-test";
  }

  @Test
  void anUnknownPathIsA404ProblemAndAnotherMethodA405WithAllow() {
    HttpResponse<String> unknown = Http.get(base + "/nothing/here");
    HttpResponse<String> wrongMethod = Http.send("DELETE", base + "/api/rates", null);

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(new JsonObject(unknown.body()).getString("requestId"))
        .isEqualTo(unknown.headers().firstValue("X-Request-Id").orElseThrow());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
  }

  @Test
  void aMissingTokenIsA401WithABearerChallengeAndAMissingScopeA403() {
    HttpResponse<String> missing = Http.get(base + "/api/accounts/acc-alice-1");
    HttpResponse<String> noScope =
        Http.get(
            base + "/api/admin",
            "Authorization",
            "Bearer " + Tokens.valid("alice", "accounts:read"));

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"edge-stack\"");
    assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(noScope.statusCode()).isEqualTo(403);
    assertThat(noScope.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"", "scope=\"admin:write\"");
  }

  @Test
  void aPublicRouteEncodesPathValuesAndRejectsAnEncodedSlash() {
    HttpResponse<String> response =
        Http.send("POST", base + "/api/public/a%20b?x=1", "hello body", "X-Auth-Subject", "m");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject echo = new JsonObject(response.body());
    assertThat(echo.getString("uri")).isEqualTo("/echo/a%20b?x=1");
    assertThat(echo.getString("body")).isEqualTo("hello body");
    assertThat(echo.getJsonObject("headers").containsKey("x-auth-subject")).isFalse();
    assertThat(Http.get(base + "/api/public/a%2Fb").statusCode()).isEqualTo(400);
  }

  @Test
  void aChunkedBodyOverTheRouteLimitIsA413() throws Exception {
    HttpResponse<String> response =
        sendChunked("/api/limited/x", "x".repeat(64).getBytes(StandardCharsets.US_ASCII));

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void aLargeChunkedPostBodyIsForwardedByteForByte() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 300_000; i++) {
      text.append(i).append(',');
    }
    byte[] body = text.toString().getBytes(StandardCharsets.US_ASCII);

    HttpResponse<String> response = sendChunked("/api/public/big", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getString("body")).isEqualTo(text.toString());
  }

  @Test
  void theSharedRateLimitAnswers429WithRetryAfterAndAdmittedAnswersCarryRateLimitFields() {
    for (int i = 2; i >= 0; i--) {
      HttpResponse<String> admitted = Http.get(base + "/api/rates");
      assertThat(admitted.statusCode()).isEqualTo(200);
      assertThat(admitted.headers().firstValue("RateLimit-Policy"))
          .contains("\"rates-per-client\";q=3;w=60");
      assertThat(admitted.headers().firstValue("RateLimit").orElseThrow())
          .startsWith("\"rates-per-client\";r=" + i + ";t=");
    }

    HttpResponse<String> rejected = Http.get(base + "/api/rates");

    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 20L);
    assertThat(rejected.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"rates-per-client\";r=0;t=");
    assertThat(rejected.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void aStickySplitKeepsOneClientOnOneSideAndSpreadsClients() {
    Map<String, Integer> sides = new HashMap<>();
    for (int client = 0; client < 30; client++) {
      String id = "client-" + client;
      String first = servedBy(Http.get(base + "/api/sticky", "X-Client-Id", id));
      for (int i = 0; i < 3; i++) {
        assertThat(servedBy(Http.get(base + "/api/sticky", "X-Client-Id", id))).isEqualTo(first);
      }
      sides.merge(first, 1, Integer::sum);
    }
    assertThat(sides.keySet()).containsExactlyInAnyOrder("services-1", "canary-1");
  }

  @Test
  void anUpstreamThatIsDownIsAProblemAndTheConnectionServesTheNextRequest() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.httpPort()), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();

      out.write(
          "GET /api/down HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String down = readResponse(in);
      out.write(
          "GET /api/public/after HTTP/1.1\r\nHost: localhost\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String after = readResponse(in);

      assertThat(down).matches("(?s)HTTP/1.1 50[23] .*").contains("application/problem+json");
      assertThat(after).startsWith("HTTP/1.1 200 ").contains("/echo/after");
    }
  }

  @Test
  void pipelinedPostsWaitForADecisionMadeElsewhereAndKeepTheirBodies() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.httpPort()), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();

      // The first body arrives in two parts, the second request right behind it, all before the
      // rate-limit store has answered for the first.
      out.write(
          ("POST /api/exact/one HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nfirst")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      out.write(
          ("-body"
                  + "POST /api/exact/two HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\n"
                  + "second-body")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String first = readResponse(in);
      String second = readResponse(in);

      assertThat(first).startsWith("HTTP/1.1 200 ").contains("/echo/one", "\"first-body\"");
      assertThat(second).startsWith("HTTP/1.1 200 ").contains("/echo/two", "\"second-body\"");
    }
  }

  @Test
  void countsRequestsPerRouteAndStatusClass() {
    Http.get(base + "/api/public/counted");
    Http.get(base + "/api/accounts/acc-alice-1");

    String metrics = Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics").body();

    assertThat(metrics)
        .containsPattern(
            "edge_gateway_requests_total\\{[^}]*route=\"public-echo\",status=\"2xx\"[^}]*} [1-9]")
        .containsPattern(
            "edge_gateway_requests_total\\{[^}]*route=\"account\",status=\"4xx\"[^}]*} [1-9]")
        .containsPattern("vertx_http_server_requests_total\\{[^}]*} [1-9]");
  }

  @Test
  void aComposedRouteIsRefusedAtStartUpNamingFileRouteKeyAndEngine(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("relay-compose.yaml");
    Files.writeString(
        file,
        Files.readString(CONFIG)
            + """
              - id: overview
                path: /api/accounts/{id}/overview
                auth: none
                timeout: 2s
                compose:
                  - {part: account, upstream: services, path: "/accounts/{id}", required: true}
            """);
    ConfigNode config = ConfigLoader.withVariables(variables).load(file);

    var started =
        EdgeProcess.start("refused", config, new GatewayDeployable())
            .toCompletionStage()
            .toCompletableFuture();

    assertThat(started)
        .failsWithin(Duration.ofSeconds(30))
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining(file.toString())
        .withMessageContaining("routes[9].compose")
        .withMessageContaining("overview")
        .withMessageContaining("server.engine: relay");
  }

  private static String servedBy(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return response.headers().firstValue("X-Served-By").orElseThrow();
  }

  private static HttpResponse<String> sendChunked(String path, byte[] body) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            // An input stream has no known length: the client sends it chunked.
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .header("Content-Type", "text/plain")
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Reads one response framed by Content-Length. */
  private static String readResponse(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IllegalStateException("connection closed after: " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return text + new String(body, StandardCharsets.ISO_8859_1);
  }
}
