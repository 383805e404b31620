package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.testing.Http;
import dev.edgestack.gateway.testing.Tokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * What a gateway does the same on either listener ({@code server.engine: vertx} in {@link
 * GatewayTest}, {@code relay} in {@link RelayGatewayTest}), against a running gateway whose
 * accounts route needs a token with {@code accounts:read} and proxies to an echo upstream named
 * {@code services-1}, whose {@code /api/limited/{id}} route takes bodies of 16 bytes at most, and
 * whose {@code /api/edits} route edits request and response headers.
 */
abstract class GatewayEngineContract {
  /** The gateway's plain HTTP base URL. */
  abstract String base();

  /** The gateway's {@code instance.name}, which its {@code Via} carries. */
  abstract String instanceName();

  @Test
  void twoAuthorizationHeadersAreABadRequest() {
    String token = Tokens.valid("alice", "accounts:read");
    HttpResponse<String> response =
        Http.get(
            base() + "/api/accounts/acc-alice-1",
            "Authorization",
            "Bearer " + token,
            "Authorization",
            "Bearer " + token);

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void proxiesWithTheVerifiedIdentityAndNeverTheClaimedOne() {
    HttpResponse<String> response =
        Http.get(
            base() + "/api/accounts/acc-alice-1?verbose=true",
            "authorization",
            "bearer " + Tokens.valid("alice", "accounts:read"),
            "X-Auth-Subject",
            "mallory",
            "X-Auth-Scopes",
            "admin:write",
            "x-auth-client",
            "evil",
            "X-Auth-Anything",
            "1",
            "X_Auth_Anything",
            "1",
            "X-Request-Id",
            "test-request-1");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject echo = new JsonObject(response.body());
    JsonObject headers = echo.getJsonObject("headers");
    assertThat(echo.getString("uri")).isEqualTo("/accounts/acc-alice-1?verbose=true");
    assertThat(headers.getJsonArray("x-auth-subject")).isEqualTo(new JsonArray().add("alice"));
    assertThat(headers.getJsonArray("x-auth-scopes"))
        .isEqualTo(new JsonArray().add("accounts:read"));
    assertThat(headers.containsKey("x-auth-client")).isFalse();
    assertThat(headers.containsKey("x-auth-anything")).isFalse();
    assertThat(headers.containsKey("x_auth_anything")).isFalse();
    assertThat(headers.getJsonArray("authorization")).hasSize(1);
    assertThat(headers.getJsonArray("x-request-id"))
        .isEqualTo(new JsonArray().add("test-request-1"));
    assertThat(headers.containsKey("traceparent")).isTrue();
    assertThat(response.headers().firstValue("X-Served-By")).contains("services-1");
    assertThat(response.headers().firstValue("Via").orElseThrow()).contains(instanceName());
    assertThat(response.headers().firstValue("X-Request-Id")).contains("test-request-1");
  }

  @Test
  void aDeclaredBodyOverTheRouteLimitIsA413BeforeReachingTheUpstream() {
    HttpResponse<String> tooLarge =
        Http.send(
            "POST", base() + "/api/limited/x", "seventeen bytes!!", "Content-Type", "text/plain");

    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(new JsonObject(tooLarge.body()).getString("type"))
        .isEqualTo("urn:edge-stack:problem:payload-too-large");
    assertThat(tooLarge.headers().firstValue("X-Served-By")).isEmpty();

    HttpResponse<String> atTheLimit =
        Http.send(
            "POST", base() + "/api/limited/x", "sixteen bytes!!!", "Content-Type", "text/plain");

    assertThat(atTheLimit.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(atTheLimit.body()).getString("body")).isEqualTo("sixteen bytes!!!");
  }

  @Test
  void headerEditsChangeTheRequestAndTheResponse() {
    HttpResponse<String> response =
        Http.get(
            base() + "/api/edits",
            "X-Secret",
            "s3cret",
            "X-Old",
            "kept",
            "X-Api-Version",
            "1",
            "X-Added",
            "client");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.containsKey("x-secret")).isFalse();
    assertThat(headers.containsKey("x-old")).isFalse();
    assertThat(headers.getJsonArray("x-new")).isEqualTo(new JsonArray().add("kept"));
    assertThat(headers.getJsonArray("x-api-version")).isEqualTo(new JsonArray().add("2"));
    assertThat(headers.getJsonArray("x-added")).isEqualTo(new JsonArray().add("client").add("yes"));
    assertThat(response.headers().firstValue("X-Served-By")).isEmpty();
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
  }
}
