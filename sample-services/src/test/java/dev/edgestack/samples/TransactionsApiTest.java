package dev.edgestack.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TransactionsApiTest {
  private static RunningInstance transactions;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    transactions = Instances.start(Instances.yaml("transactions", ""));
    port = transactions.httpPort();
  }

  @AfterAll
  static void stop() throws Exception {
    Instances.close(transactions);
  }

  @Test
  void ownerSeesTransactionsOfOwnAccount() throws Exception {
    HttpResponse<String> response =
        Instances.get(port, "/transactions/acc-alice-1", "X-Auth-Subject", "alice");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Served-By")).hasValue("transactions-test");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("accountId")).isEqualTo("acc-alice-1");
    JsonArray items = body.getJsonArray("transactions");
    assertThat(items).isNotEmpty();
    JsonObject first = items.getJsonObject(0);
    assertThat(first.fieldNames())
        .containsExactlyInAnyOrder("id", "amount", "currency", "bookedAt", "description");
    assertThat(first.getString("currency")).isEqualTo("EUR");
    assertThat(first.getValue("amount")).isInstanceOf(Number.class);
  }

  @Test
  void someoneElsesAccountIsNotFound() throws Exception {
    HttpResponse<String> response =
        Instances.get(port, "/transactions/acc-alice-1", "X-Auth-Subject", "bob");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void missingSubjectIsUnauthenticated() throws Exception {
    assertThat(Instances.get(port, "/transactions/acc-bob-1").statusCode()).isEqualTo(401);
  }
}
