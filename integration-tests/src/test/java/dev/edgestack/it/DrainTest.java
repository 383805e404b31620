package dev.edgestack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.stack.testkit.StackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gateways and service replicas leaving a running hybrid stack while requests flow through edge-lb:
 * SIGTERM on a gateway drains without losing a request, SIGKILL costs at most the requests in
 * flight.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrainTest {
  @RegisterExtension static final StackExtension STACK = StackExtension.topology("hybrid");

  private static final int CLIENTS = 4;
  private static final int MAX_REQUESTS = 20_000;
  private static final Duration MAX_TIME = Duration.ofSeconds(40);

  private final HttpClient probe =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .build();

  /** Mostly an authenticated account, every tenth request the public (rate-limited) rates. */
  private static LoadLoop load() {
    String token = STACK.token("alice", "accounts:read");
    String entry = STACK.entryUrl();
    return LoadLoop.start(
        n -> {
          HttpRequest.Builder request =
              n % 10 == 0
                  ? HttpRequest.newBuilder(URI.create(entry + "/api/rates?base=EUR"))
                  : HttpRequest.newBuilder(URI.create(entry + TopologyContract.ALICE_ACCOUNT))
                      .header("Authorization", "Bearer " + token);
          return request.timeout(Duration.ofSeconds(10)).build();
        },
        CLIENTS,
        MAX_REQUESTS,
        MAX_TIME);
  }

  private int status(String url) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
    return probe.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  @Order(1)
  void aGatewayStoppedWithSigtermLosesNoRequest() throws Exception {
    String gateway = "gateway-1";
    String ready = STACK.adminUrl(gateway) + "/health/ready";
    String direct = STACK.httpUrl(gateway) + TopologyContract.ALICE_ACCOUNT;
    String token = STACK.token("alice", "accounts:read");
    LoadLoop loop = load();
    CompletableFuture<Void> stopping = null;
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> loop.served() >= 50);

      stopping = CompletableFuture.runAsync(() -> STACK.stop(gateway));

      // Not ready at once, yet still serving while edge-lb's health checks take it out.
      await()
          .atMost(Duration.ofSeconds(3))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> status(ready) == 503);
      HttpResponse<String> during =
          probe.send(
              HttpRequest.newBuilder(URI.create(direct))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(during.statusCode()).as(during.body()).isEqualTo(200);

      stopping.get(40, TimeUnit.SECONDS);
      int servedWhenGone = loop.served();
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.served() >= servedWhenGone + 50);
    } finally {
      loop.close();
      if (stopping != null) {
        stopping.get(40, TimeUnit.SECONDS);
      }
    }
    assertThat(STACK.isAlive(gateway)).isFalse();
    assertThat(loop.failures()).as("failed requests of %d served", loop.served()).isEmpty();
  }

  @Test
  @Order(2)
  void aGatewayKilledWithSigkillCostsAtMostTheRequestsInFlight() throws Exception {
    String gateway = "gateway-2";
    LoadLoop loop = load();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> loop.served() >= 50);

      STACK.kill(gateway);

      int servedWhenKilled = loop.served();
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.served() >= servedWhenKilled + 100);
    } finally {
      loop.close();
    }
    assertThat(STACK.isAlive(gateway)).isFalse();
    assertThat(loop.failures())
        .as("failed requests of %d served", loop.served())
        .hasSizeLessThanOrEqualTo(CLIENTS);
  }

  @Test
  @Order(3)
  void aServiceReplicaKilledBehindTheInternalLbCostsAtMostTheRequestsInFlight() throws Exception {
    String replica = "accounts-1";
    LoadLoop loop = load();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> loop.served() >= 50);

      STACK.kill(replica);

      int servedWhenKilled = loop.served();
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.served() >= servedWhenKilled + 100);
    } finally {
      loop.close();
    }
    assertThat(STACK.isAlive(replica)).isFalse();
    assertThat(loop.failures())
        .as("failed requests of %d served", loop.served())
        .hasSizeLessThanOrEqualTo(CLIENTS);
  }
}
