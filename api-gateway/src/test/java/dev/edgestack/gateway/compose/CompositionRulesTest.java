package dev.edgestack.gateway.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.config.ComposePart;
import dev.edgestack.gateway.route.UpstreamTemplate;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompositionRulesTest {
  private static final List<ComposePart> PARTS =
      List.of(part("account", true), part("transactions", false), part("rates", false));

  @Test
  void allPartsAnsweredGiveACompleteDocument() {
    Composition composition =
        CompositionRules.combine(
            PARTS,
            outcomes(answered("{\"id\":\"acc-1\"}"), answered("[1,2]"), answered("{\"EUR\":1}")));

    Composition.Complete complete = (Composition.Complete) composition;
    assertThat(complete.partial()).isFalse();
    assertThat(complete.body())
        .isEqualTo(
            new JsonObject()
                .put("account", new JsonObject().put("id", "acc-1"))
                .put("transactions", new JsonArray().add(1).add(2))
                .put("rates", new JsonObject().put("EUR", 1))
                .put("missing", new JsonArray()));
  }

  @Test
  void aFailedOptionalPartIsNullAndListedAsMissing() {
    Composition composition =
        CompositionRules.combine(
            PARTS,
            outcomes(
                answered("{\"id\":\"acc-1\"}"),
                CompositionRules.fromFailure(
                    "transactions", EdgeFailure.of(FailureKind.CONNECT_FAILED, "down")),
                CompositionRules.fromResponse("rates", 500, Buffer.buffer("oops"))));

    Composition.Complete complete = (Composition.Complete) composition;
    assertThat(complete.missing()).containsExactly("transactions", "rates");
    assertThat(complete.body().containsKey("transactions")).isTrue();
    assertThat(complete.body().getValue("transactions")).isNull();
    assertThat(complete.body().getJsonArray("missing"))
        .isEqualTo(new JsonArray().add("transactions").add("rates"));
  }

  @Test
  void aFailedRequiredPartFailsTheWholeAnswer() {
    Composition composition =
        CompositionRules.combine(
            PARTS,
            outcomes(
                CompositionRules.fromResponse("account", 404, Buffer.buffer("{}")),
                answered("[]"),
                answered("{}")));

    assertThat(((Composition.Failed) composition).failure().kind())
        .isEqualTo(FailureKind.NOT_FOUND);
  }

  @ParameterizedTest
  @CsvSource({
    "400, BAD_REQUEST",
    "403, FORBIDDEN",
    "404, NOT_FOUND",
    "409, BAD_REQUEST",
    "500, BAD_UPSTREAM_RESPONSE",
    "502, BAD_UPSTREAM_RESPONSE",
    "503, UNAVAILABLE",
    "504, UPSTREAM_TIMEOUT",
    "302, BAD_UPSTREAM_RESPONSE"
  })
  void mapsUpstreamStatusesToTheTaxonomy(int status, FailureKind kind) {
    PartOutcome outcome = CompositionRules.fromResponse("account", status, Buffer.buffer());

    assertThat(((PartOutcome.Failed) outcome).failure().kind()).isEqualTo(kind);
  }

  @Test
  void mapsCallFailuresTo502503Or504NeverTo500() {
    assertThat(kindOf(new TimeoutException())).isEqualTo(FailureKind.UPSTREAM_TIMEOUT);
    assertThat(kindOf(new ConnectException("refused")))
        .isEqualTo(FailureKind.BAD_UPSTREAM_RESPONSE);
    assertThat(kindOf(EdgeFailure.of(FailureKind.NO_HEALTHY_ENDPOINT, "none")))
        .isEqualTo(FailureKind.NO_HEALTHY_ENDPOINT);
    assertThat(kindOf(EdgeFailure.of(FailureKind.UPSTREAM_RESET, "reset")).status()).isEqualTo(502);
  }

  @Test
  void aTwoHundredWithoutJsonIsABadUpstreamResponse() {
    PartOutcome outcome = CompositionRules.fromResponse("rates", 200, Buffer.buffer("<html>"));

    assertThat(((PartOutcome.Failed) outcome).failure().kind())
        .isEqualTo(FailureKind.BAD_UPSTREAM_RESPONSE);
  }

  @Test
  void aMissingOptionalPartHoldsItsFallbackAndIsStillListedAsMissing() {
    ComposePart withFallback =
        new ComposePart(
            "transactions",
            "up",
            UpstreamTemplate.parse("/t"),
            false,
            List.of(),
            Optional.empty(),
            Optional.of("{\"items\":[]}"));
    Map<String, PartOutcome> outcomes = new LinkedHashMap<>();
    outcomes.put("account", answered("{}"));
    outcomes.put(
        "transactions", CompositionRules.fromFailure("transactions", new TimeoutException("slow")));

    Composition.Complete complete =
        (Composition.Complete)
            CompositionRules.combine(List.of(part("account", true), withFallback), outcomes);

    assertThat(complete.body().getJsonObject("transactions"))
        .isEqualTo(new JsonObject().put("items", new JsonArray()));
    assertThat(complete.missing()).containsExactly("transactions");
  }

  @Test
  void aRequiredPartSkippedForAMissingDependencyFailsWithTheDependencysKind() {
    PartOutcome skipped =
        CompositionRules.skipped(
            "account", "profile", EdgeFailure.of(FailureKind.UPSTREAM_TIMEOUT, "slow"));

    Composition composition =
        CompositionRules.combine(PARTS, outcomes(skipped, answered("[]"), answered("{}")));

    assertThat(((Composition.Failed) composition).failure().kind())
        .isEqualTo(FailureKind.UPSTREAM_TIMEOUT);
    assertThat(skipped.tag()).isEqualTo("skipped");
  }

  @Test
  void aFailureKeepsItsHeadersSuchAsRetryAfter() {
    PartOutcome outcome =
        CompositionRules.fromFailure(
            "rates",
            EdgeFailure.of(FailureKind.UNAVAILABLE, "open").withHeader("Retry-After", "3"));

    assertThat(outcome.failureOrNull().headers()).containsEntry("Retry-After", "3");
    assertThat(outcome.tag()).isEqualTo("unavailable");
  }

  @Test
  void readsScalarFieldsByKeyAndIndexOnly() {
    JsonObject account =
        new JsonObject()
            .put("id", "acc-1")
            .put("n", 7)
            .put("owner", new JsonObject().put("name", "alice"))
            .put("items", new JsonArray().add(new JsonObject().put("id", "i-0")));

    assertThat(FieldReference.resolve(account, "account.id")).contains("acc-1");
    assertThat(FieldReference.resolve(account, "account.n")).contains("7");
    assertThat(FieldReference.resolve(account, "account.owner.name")).contains("alice");
    assertThat(FieldReference.resolve(account, "account.items.0.id")).contains("i-0");
    assertThat(FieldReference.resolve(account, "account.owner")).isEmpty();
    assertThat(FieldReference.resolve(account, "account.items.1.id")).isEmpty();
    assertThat(FieldReference.resolve(account, "account.nothing")).isEmpty();
    assertThat(FieldReference.resolve("text", "account.id")).isEmpty();
    assertThat(FieldReference.part("account.items.0.id")).isEqualTo("account");
  }

  private static FailureKind kindOf(Throwable error) {
    return ((PartOutcome.Failed) CompositionRules.fromFailure("account", error)).failure().kind();
  }

  private static PartOutcome answered(String json) {
    return CompositionRules.fromResponse("any", 200, Buffer.buffer(json));
  }

  private static Map<String, PartOutcome> outcomes(PartOutcome... outcomes) {
    Map<String, PartOutcome> byName = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.length; i++) {
      byName.put(PARTS.get(i).name(), outcomes[i]);
    }
    return byName;
  }

  private static ComposePart part(String name, boolean required) {
    return new ComposePart(name, "up", UpstreamTemplate.parse("/" + name), required);
  }
}
