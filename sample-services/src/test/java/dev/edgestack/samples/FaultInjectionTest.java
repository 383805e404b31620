package dev.edgestack.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultInjectionTest {
  private static RunningInstance rates;
  private static int port;
  private static int admin;

  @BeforeAll
  static void start() throws Exception {
    rates = Instances.start(Instances.yaml("rates", "faults:\n  seed: 7\n"));
    port = rates.httpPort();
    admin = rates.adminPort();
  }

  @AfterAll
  static void stop() throws Exception {
    Instances.close(rates);
  }

  @AfterEach
  void clearFaults() throws Exception {
    assertThat(delete().statusCode()).isEqualTo(200);
  }

  @Test
  void errorFaultAnswersTheConfiguredStatusAsAProblem() throws Exception {
    HttpResponse<String> set = put("{\"errorRate\": 1.0, \"errorStatus\": 503}");
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(set.body()).getDouble("errorRate")).isEqualTo(1.0);

    HttpResponse<String> response = Instances.get(port, "/rates");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("X-Served-By")).hasValue("rates-test");
    assertThat(new JsonObject(response.body()).getString("requestId")).isNotBlank();
  }

  @Test
  void faultsNeverTouchTheAdminPort() throws Exception {
    put("{\"errorRate\": 1.0, \"errorStatus\": 500}");

    assertThat(Instances.get(port, "/rates").statusCode()).isEqualTo(500);
    assertThat(Instances.get(admin, "/health/ready").statusCode()).isEqualTo(200);
    assertThat(Instances.get(admin, "/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void latencyDelaysTheAnswer() throws Exception {
    put("{\"latencyMs\": 300}");

    long started = System.nanoTime();
    HttpResponse<String> response = Instances.get(port, "/rates");
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(300);
  }

  @Test
  void resetClosesTheConnectionWithoutAnAnswer() throws Exception {
    put("{\"resetRate\": 1.0}");

    assertThatThrownBy(() -> Instances.get(port, "/rates"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void hangNeverAnswers() throws Exception {
    put("{\"hang\": true}");

    HttpRequest request =
        Instances.request(port, "/rates").timeout(Duration.ofMillis(300)).GET().build();

    assertThatThrownBy(() -> Instances.send(request)).isInstanceOf(HttpTimeoutException.class);
    assertThat(Instances.get(admin, "/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void deleteClearsEveryFault() throws Exception {
    put("{\"latencyMs\": 50, \"errorRate\": 0.5, \"resetRate\": 0.5, \"hang\": true}");

    HttpResponse<String> cleared = delete();

    assertThat(new JsonObject(cleared.body())).isEqualTo(Faults.NONE.toJson());
    assertThat(new JsonObject(Instances.get(admin, FaultAdmin.PATH).body()))
        .isEqualTo(Faults.NONE.toJson());
    assertThat(Instances.get(port, "/rates").statusCode()).isEqualTo(200);
  }

  @Test
  void getShowsTheFaultsInForce() throws Exception {
    put("{\"latencyMs\": 200, \"errorRate\": 0.5, \"errorStatus\": 502, \"resetRate\": 0.1}");

    JsonObject shown = new JsonObject(Instances.get(admin, FaultAdmin.PATH).body());

    assertThat(shown)
        .isEqualTo(
            new JsonObject()
                .put("latencyMs", 200)
                .put("errorRate", 0.5)
                .put("errorStatus", 502)
                .put("resetRate", 0.1)
                .put("hang", false));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"latency\": 200}|latency: unknown field",
        "{\"latencyMs\": -1}|latencyMs: -1",
        "{\"latencyMs\": 2.5}|latencyMs: 2.5",
        "{\"errorRate\": 1.5}|errorRate: 1.5",
        "{\"errorRate\": \"half\"}|errorRate: \"half\"",
        "{\"resetRate\": -0.1}|resetRate: -0.1",
        "{\"errorStatus\": 200}|errorStatus: 200",
        "{\"errorStatus\": 501}|errorStatus: 501",
        "{\"errorRate\": 0.7, \"resetRate\": 0.5}|errorRate + resetRate",
        "{\"hang\": \"yes\"}|hang: \"yes\"",
        "[]|not a JSON object",
        "nope|not valid JSON"
      })
  void rejectsInvalidFaultsNamingTheField(String body, String detail) throws Exception {
    HttpResponse<String> response = put(body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("detail")).contains(detail);
    assertThat(new JsonObject(Instances.get(admin, FaultAdmin.PATH).body()))
        .isEqualTo(Faults.NONE.toJson());
  }

  @Test
  void otherMethodsOnTheFaultEndpointAreNotAllowed() throws Exception {
    HttpResponse<String> response =
        Instances.send(
            Instances.request(admin, FaultAdmin.PATH)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, PUT, DELETE");
  }

  @Test
  void aHungRequestDoesNotHoldUpShutdown() throws Exception {
    RunningInstance doomed = Instances.start(Instances.yaml("accounts", ""));
    Instances.send(
        Instances.request(doomed.adminPort(), FaultAdmin.PATH)
            .PUT(HttpRequest.BodyPublishers.ofString("{\"hang\": true}"))
            .build());
    CompletableFuture<HttpResponse<String>> hung =
        Instances.CLIENT.sendAsync(
            Instances.request(doomed.httpPort(), "/accounts/acc-alice-1")
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                doomed
                        .context()
                        .registry()
                        .counter("sample_faults_injected", "action", "hang")
                        .count()
                    >= 1);

    long started = System.nanoTime();
    Instances.close(doomed);

    // The shutdown timeout is 5 s; the hung connection must not use it up.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(5)).until(hung::isDone);
    assertThat(hung).isCompletedExceptionally();
  }

  private static HttpResponse<String> put(String body) throws Exception {
    return Instances.send(
        Instances.request(admin, FaultAdmin.PATH)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static HttpResponse<String> delete() throws Exception {
    return Instances.send(Instances.request(admin, FaultAdmin.PATH).DELETE().build());
  }
}
