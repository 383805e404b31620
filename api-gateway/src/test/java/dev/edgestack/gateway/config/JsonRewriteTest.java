package dev.edgestack.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.balancer.vertx.BodyRewrite;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonRewriteTest {
  private final JsonRewrite rewrite =
      new JsonRewrite(
          List.of(),
          Map.of(List.of("a", "b"), List.of("a", "c")),
          List.of(List.of("items", "secret"), List.of("gone")),
          1024,
          BodyRewrite.OverLimit.FAIL);

  @Test
  void renamesAndRemovesByDotPathThroughArraysAndTopLevelArrays() {
    Buffer body =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("a", new JsonObject().put("b", 1).put("keep", 2))
                    .put("gone", true)
                    .put(
                        "items",
                        new JsonArray().add(new JsonObject().put("id", 1).put("secret", 2))))
            .add("not an object")
            .toBuffer();

    JsonArray result = new JsonArray(rewrite.rewrite(body));

    assertThat(result.getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("a", new JsonObject().put("keep", 2).put("c", 1))
                .put("items", new JsonArray().add(new JsonObject().put("id", 1))));
    assertThat(result.getString(1)).isEqualTo("not an object");
  }

  @Test
  void leavesInvalidJsonAndScalarsUnchanged() {
    assertThat(rewrite.rewrite(Buffer.buffer("{not json")).toString()).isEqualTo("{not json");
    assertThat(rewrite.rewrite(Buffer.buffer("42")).toString()).isEqualTo("42");
  }

  @Test
  void appliesOnlyToUncodedJsonMediaTypes() {
    assertThat(rewrite.appliesTo(200, headers("Content-Type", "application/json"))).isTrue();
    assertThat(rewrite.appliesTo(200, headers("Content-Type", "application/problem+json")))
        .isTrue();
    assertThat(rewrite.appliesTo(200, headers("Content-Type", "text/html"))).isFalse();
    assertThat(rewrite.appliesTo(200, MultiMap.caseInsensitiveMultiMap())).isFalse();
    assertThat(
            rewrite.appliesTo(
                200, headers("Content-Type", "application/json").add("Content-Encoding", "gzip")))
        .isFalse();
  }

  private static MultiMap headers(String name, String value) {
    return MultiMap.caseInsensitiveMultiMap().add(name, value);
  }
}
