package dev.edgestack.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AccountsApiTest {
  private static RunningInstance accounts;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    accounts = Instances.start(Instances.yaml("accounts", ""));
    port = accounts.httpPort();
  }

  @AfterAll
  static void stop() throws Exception {
    Instances.close(accounts);
  }

  @Test
  void ownerSeesOwnAccount() throws Exception {
    HttpResponse<String> response =
        Instances.get(port, "/accounts/acc-alice-1", "X-Auth-Subject", "alice");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("X-Served-By")).hasValue("accounts-test");
    assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    JsonObject body = new JsonObject(response.body());
    assertThat(body.fieldNames())
        .containsExactlyInAnyOrder("id", "owner", "currency", "balance", "name");
    assertThat(body.getString("id")).isEqualTo("acc-alice-1");
    assertThat(body.getString("owner")).isEqualTo("alice");
    assertThat(body.getString("currency")).isEqualTo("EUR");
    assertThat(body.getValue("balance")).isInstanceOf(Number.class);
  }

  @Test
  void bobSeesHisUsdAccount() throws Exception {
    HttpResponse<String> response =
        Instances.get(port, "/accounts/acc-bob-1", "X-Auth-Subject", "bob");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getString("currency")).isEqualTo("USD");
  }

  @Test
  void someoneElsesAccountLooksLikeAnUnknownOne() throws Exception {
    HttpResponse<String> foreign =
        Instances.get(port, "/accounts/acc-bob-1", "X-Auth-Subject", "alice");
    HttpResponse<String> unknown =
        Instances.get(port, "/accounts/acc-nobody-1", "X-Auth-Subject", "alice");

    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(foreign.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(foreign.body());
    assertThat(problem.getString("type")).isEqualTo("urn:edge-stack:problem:not-found");
    JsonObject unknownProblem = new JsonObject(unknown.body());
    assertThat(problem.getString("title")).isEqualTo(unknownProblem.getString("title"));
    assertThat(problem.getString("detail").replace("acc-bob-1", "acc-nobody-1"))
        .isEqualTo(unknownProblem.getString("detail"));
  }

  @Test
  void missingSubjectIsUnauthenticated() throws Exception {
    HttpResponse<String> response = Instances.get(port, "/accounts/acc-alice-1");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(response.headers().firstValue("X-Served-By")).hasValue("accounts-test");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("type")).isEqualTo("urn:edge-stack:problem:unauthenticated");
    assertThat(problem.getInteger("status")).isEqualTo(401);
  }

  @Test
  void problemsCarryTheCallersRequestId() throws Exception {
    HttpResponse<String> response =
        Instances.get(port, "/accounts/acc-alice-1", "X-Request-Id", "req-123");

    assertThat(response.headers().firstValue("X-Request-Id")).hasValue("req-123");
    assertThat(new JsonObject(response.body()).getString("requestId")).isEqualTo("req-123");
  }

  @Test
  void unknownPathIsANoRouteProblem() throws Exception {
    HttpResponse<String> response = Instances.get(port, "/rates", "X-Auth-Subject", "alice");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(response.body()).getString("type"))
        .isEqualTo("urn:edge-stack:problem:no-route");
    assertThat(response.headers().firstValue("X-Served-By")).hasValue("accounts-test");
  }
}
