package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.gateway.testing.EchoUpstream;
import dev.edgestack.gateway.testing.FreePorts;
import dev.edgestack.gateway.testing.Http;
import dev.edgestack.gateway.testing.JwksServer;
import dev.edgestack.gateway.testing.TestKeys;
import dev.edgestack.gateway.testing.Tokens;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A gateway whose issuer is down at start: not ready, 503 on JWT routes, ready once keys load. */
class GatewayReadinessTest {
  private static final String CONFIG =
      """
      instance: {name: gateway-readiness}
      server: {host: 127.0.0.1, port: 0}
      admin: {port: 0}
      auth:
        jwt:
          issuer: https://issuer.edge-stack.local
          audience: edge-stack-api
          jwksUrl: ${JWKS_URL}
          algorithms: [RS256]
          fetchTimeout: 500ms
      upstreams:
        services: {endpoints: "${UPSTREAM}"}
      routes:
        - {id: public, path: /api/public, auth: none, upstream: services, upstreamPath: /public}
        - {id: private, path: /api/private, auth: jwt, upstream: services, upstreamPath: /private}
      """;

  @Test
  void isNotReadyUntilTheJwksLoadsAndAnswers503Meanwhile() throws Exception {
    Vertx vertx = Vertx.vertx();
    int issuerPort = FreePorts.next();
    RunningInstance gateway = null;
    try (EchoUpstream services = EchoUpstream.start(vertx, "services-1")) {
      var config =
          ConfigLoader.withVariables(
                  Map.of(
                      "JWKS_URL",
                      "http://127.0.0.1:" + issuerPort + JwksServer.PATH,
                      "UPSTREAM",
                      services.endpoint()))
              .parse("readiness.yaml", CONFIG);
      gateway =
          EdgeProcess.start("gateway", config, new GatewayDeployable())
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      String base = "http://127.0.0.1:" + gateway.httpPort();
      String ready = "http://127.0.0.1:" + gateway.adminPort() + "/health/ready";
      String token = "Bearer " + Tokens.valid("alice", "accounts:read");

      HttpResponse<String> readiness = Http.get(ready);
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(readiness.body()).contains("jwks");
      assertThat(Http.get(base + "/api/private", "Authorization", token).statusCode())
          .isEqualTo(503);
      assertThat(Http.get(base + "/api/public").statusCode()).isEqualTo(200);

      try (JwksServer issuer = JwksServer.startOn(vertx, issuerPort, TestKeys.primary())) {
        await().atMost(Duration.ofSeconds(15)).until(() -> Http.get(ready).statusCode() == 200);
        assertThat(Http.get(base + "/api/private", "Authorization", token).statusCode())
            .isEqualTo(200);
        assertThat(issuer.fetches()).isGreaterThanOrEqualTo(1);
      }
    } finally {
      if (gateway != null) {
        gateway.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
