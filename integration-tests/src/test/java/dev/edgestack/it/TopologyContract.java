package dev.edgestack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.stack.Role;
import dev.edgestack.stack.testkit.StackExtension;
import dev.edgestack.stack.testkit.StackInstance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What every topology must do for a client, checked through its entry point against real processes.
 * Each topology's test class starts its stack once and runs all of these.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class TopologyContract {
  static final String ALICE_ACCOUNT = "/api/accounts/acc-alice-1";
  static final String BOB_ACCOUNT = "/api/accounts/acc-bob-1";

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .build();

  abstract StackExtension stack();

  /** The instance-name prefixes a response's Via must list, nearest the service first. */
  abstract List<String> expectedViaTiers();

  /** How many gateways sit behind the entry point. */
  abstract int gateways();

  HttpResponse<String> get(String path, String... headers) throws Exception {
    return getFrom(stack().entryUrl(), path, headers);
  }

  HttpResponse<String> getFrom(String base, String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  String aliceToken() {
    return stack().token("alice", "accounts:read");
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  @Test
  @Order(1)
  void servesTheDemoApiThroughTheEntryPoint() throws Exception {
    HttpResponse<String> response = get(ALICE_ACCOUNT, "Authorization", bearer(aliceToken()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject account = new JsonObject(response.body());
    assertThat(account.getString("id")).isEqualTo("acc-alice-1");
    assertThat(account.getString("owner")).isEqualTo("alice");
    assertThat(response.headers().firstValue("X-Served-By"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("accounts-"));
    assertThat(response.headers().firstValue("X-Request-Id")).isPresent();

    HttpResponse<String> transactions =
        get(ALICE_ACCOUNT + "/transactions", "Authorization", bearer(aliceToken()));
    assertThat(transactions.statusCode()).as(transactions.body()).isEqualTo(200);
    assertThat(new JsonObject(transactions.body()).getJsonArray("transactions")).isNotEmpty();
  }

  @Test
  @Order(2)
  void keepsAWellFormedClientRequestId() throws Exception {
    HttpResponse<String> response =
        get(ALICE_ACCOUNT, "Authorization", bearer(aliceToken()), "X-Request-Id", "it-req-42");
    assertThat(response.headers().allValues("X-Request-Id")).containsExactly("it-req-42");
  }

  @Test
  @Order(3)
  void answers401WithoutAValidToken() throws Exception {
    HttpResponse<String> missing = get(ALICE_ACCOUNT);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(missing.body());
    assertThat(problem.getInteger("status")).isEqualTo(401);
    assertThat(problem.getString("requestId")).isNotBlank();

    String expired =
        stack()
            .token(
                Map.of(
                    "sub", "alice",
                    "scope", "accounts:read",
                    "exp", System.currentTimeMillis() / 1000 - 3600));
    HttpResponse<String> expiredAnswer = get(ALICE_ACCOUNT, "Authorization", bearer(expired));
    assertThat(expiredAnswer.statusCode()).isEqualTo(401);
    assertThat(expiredAnswer.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));

    Map<String, Object> otherAudience = new LinkedHashMap<>();
    otherAudience.put("sub", "alice");
    otherAudience.put("scope", "accounts:read");
    otherAudience.put("aud", "someone-else");
    assertThat(
            get(ALICE_ACCOUNT, "Authorization", bearer(stack().token(otherAudience))).statusCode())
        .isEqualTo(401);
  }

  @Test
  @Order(4)
  void answers403WithoutTheScope() throws Exception {
    HttpResponse<String> response =
        get(ALICE_ACCOUNT, "Authorization", bearer(stack().token("alice", "profile:read")));
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
  }

  @Test
  @Order(5)
  void aForgedIdentityHeaderGivesNoAccessToAnotherSubjectsAccount() throws Exception {
    HttpResponse<String> response =
        get(
            BOB_ACCOUNT,
            "Authorization",
            bearer(aliceToken()),
            "X-Auth-Subject",
            "bob",
            "X-Auth-Scopes",
            "accounts:read");
    assertThat(response.statusCode()).isIn(403, 404);
    assertThat(response.body()).doesNotContain("\"owner\":\"bob\"");
    HttpResponse<String> noToken = get(BOB_ACCOUNT, "X-Auth-Subject", "bob");
    assertThat(noToken.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(6)
  void composesTheAccountOverview() throws Exception {
    HttpResponse<String> response =
        get(ALICE_ACCOUNT + "/overview", "Authorization", bearer(aliceToken()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject overview = new JsonObject(response.body());
    assertThat(overview.getJsonObject("account").getString("id")).isEqualTo("acc-alice-1");
    assertThat(overview.getJsonObject("transactions")).isNotNull();
    assertThat(overview.getJsonObject("rates")).isNotNull();
    assertThat(overview.getJsonArray("missing")).isEmpty();
    assertThat(response.headers().firstValue("X-Partial-Response")).isEmpty();
  }

  @Test
  @Order(7)
  void viaListsEachProxyTier() throws Exception {
    HttpResponse<String> response = get(ALICE_ACCOUNT, "Authorization", bearer(aliceToken()));
    String via = String.join(", ", response.headers().allValues("Via"));
    List<String> hops =
        java.util.Arrays.stream(via.split(","))
            .map(String::trim)
            .map(hop -> hop.substring(hop.indexOf(' ') + 1))
            .toList();
    List<String> tiers = expectedViaTiers();
    assertThat(hops).as(via).hasSize(tiers.size());
    for (int i = 0; i < tiers.size(); i++) {
      assertThat(hops.get(i)).as(via).startsWith(tiers.get(i));
    }
  }

  @Test
  @Order(8)
  void spreadsRequestsOverBothReplicasOfAService() throws Exception {
    Set<String> servedBy = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response = get(ALICE_ACCOUNT, "Authorization", bearer(aliceToken()));
      assertThat(response.statusCode()).isEqualTo(200);
      response.headers().firstValue("X-Served-By").ifPresent(servedBy::add);
    }
    assertThat(servedBy).containsExactlyInAnyOrder("accounts-1", "accounts-2");
  }

  @Test
  @Order(9)
  void everyInstanceServesReadinessAndMetrics() throws Exception {
    for (StackInstance instance : stack().instances()) {
      String admin = stack().adminUrl(instance.name());
      assertThat(getFrom(admin, "/health/live").statusCode()).as(instance.name()).isEqualTo(200);
      assertThat(getFrom(admin, "/health/ready").statusCode()).as(instance.name()).isEqualTo(200);
      HttpResponse<String> metrics = getFrom(admin, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .as(instance.name())
          .contains("jvm_memory_used_bytes")
          .contains("instance=\"" + instance.name() + "\"");
    }
  }

  @Test
  @Order(90)
  void sharedRateLimitAnswers429AfterSixtyRequestsOverAllGatewaysWhateverXffClaims()
      throws Exception {
    double failedOpenBefore = failedOpenRateLimitDecisions();
    long start = System.nanoTime();
    int admitted = 0;
    Set<String> gatewaysSeen = new HashSet<>();
    HttpResponse<String> limited = null;
    for (int i = 0; i < 100 && limited == null; i++) {
      // A client that forges a new X-Forwarded-For each time must still hit its one limit.
      HttpResponse<String> response =
          get("/api/rates?base=EUR", "X-Forwarded-For", "198.51.100." + (i % 250 + 1));
      if (response.statusCode() == 429) {
        limited = response;
      } else {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("RateLimit")).isPresent();
        admitted++;
        for (String hop : String.join(",", response.headers().allValues("Via")).split(",")) {
          if (hop.trim().contains(" gateway")) {
            gatewaysSeen.add(hop.trim());
          }
        }
      }
    }
    long elapsedSeconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    assertThat(limited).as("no 429 after %d admitted requests", admitted).isNotNull();
    // 60 of burst, plus the one token a second the policy refills while the loop runs, plus what
    // the policy admitted without its store (fail-open: a store call slower than its 200 ms
    // timeout on a loaded machine), which the gateways count.
    int failedOpen = (int) (failedOpenRateLimitDecisions() - failedOpenBefore);
    assertThat(admitted).isBetween(60, 60 + (int) elapsedSeconds + 1 + failedOpen);
    assertThat(limited.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
    assertThat(limited.headers().firstValue("RateLimit-Policy"))
        .hasValueSatisfying(v -> assertThat(v).contains("rates-per-client"));
    assertThat(limited.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    // Spread over several gateways (a latency-aware edge need not use all three in 60 requests).
    assertThat(gatewaysSeen).hasSizeGreaterThanOrEqualTo(Math.min(2, gateways()));
  }

  /** The {@code rates-per-client} decisions every gateway took without its store, so far. */
  private double failedOpenRateLimitDecisions() throws Exception {
    double sum = 0;
    for (StackInstance instance : stack().instances()) {
      if (instance.role() != Role.GATEWAY) {
        continue;
      }
      String body = getFrom(stack().adminUrl(instance.name()), "/metrics").body();
      for (String line : body.split("\n")) {
        if (line.startsWith("edge_ratelimit_decisions_total{")
            && line.contains("decision=\"admitted-store-failure\"")
            && line.contains("policy=\"rates-per-client\"")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  @Test
  @Order(100)
  void theOverviewIsPartialWhenEveryTransactionsReplicaIsDown() throws Exception {
    for (StackInstance instance : stack().instances()) {
      if (instance.group().equals("transactions")) {
        stack().stop(instance.name());
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              HttpResponse<String> response =
                  get(ALICE_ACCOUNT + "/overview", "Authorization", bearer(aliceToken()));
              assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
              JsonObject overview = new JsonObject(response.body());
              assertThat(overview.getJsonObject("account").getString("id"))
                  .isEqualTo("acc-alice-1");
              assertThat(overview.getJsonArray("missing"))
                  .isEqualTo(new JsonArray().add("transactions"));
              assertThat(response.headers().firstValue("X-Partial-Response"))
                  .hasValue("transactions");
            });
  }
}
