package dev.edgestack.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RatesApiTest {
  private static RunningInstance rates;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    rates = Instances.start(Instances.yaml("rates", ""));
    port = rates.httpPort();
  }

  @AfterAll
  static void stop() throws Exception {
    Instances.close(rates);
  }

  @Test
  void baseDefaultsToEuroAndNeedsNoSubject() throws Exception {
    HttpResponse<String> response = Instances.get(port, "/rates");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Served-By")).hasValue("rates-test");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("base")).isEqualTo("EUR");
    assertThat(body.getString("asOf")).isEqualTo(RateTable.AS_OF);
    assertThat(body.getJsonObject("rates").fieldNames())
        .containsExactlyInAnyOrder("USD", "GBP", "CHF", "JPY");
  }

  @Test
  void otherBasesAreDerivedFromTheEuroTable() throws Exception {
    JsonObject euro = new JsonObject(Instances.get(port, "/rates?base=EUR").body());
    JsonObject dollar = new JsonObject(Instances.get(port, "/rates?base=usd").body());

    assertThat(dollar.getString("base")).isEqualTo("USD");
    assertThat(dollar.getJsonObject("rates").fieldNames())
        .containsExactlyInAnyOrder("EUR", "GBP", "CHF", "JPY");
    double usdPerEuro = euro.getJsonObject("rates").getDouble("USD");
    assertThat(dollar.getJsonObject("rates").getDouble("EUR"))
        .isCloseTo(1 / usdPerEuro, within(1e-5));
  }

  @Test
  void unknownBaseIsABadRequest() throws Exception {
    HttpResponse<String> response = Instances.get(port, "/rates?base=XYZ");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("type")).isEqualTo("urn:edge-stack:problem:bad-request");
    assertThat(problem.getString("detail")).startsWith("base: \"XYZ\"").contains("EUR, USD");
  }
}
