package dev.edgestack.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BearerCredentialsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          Bearer abc.def.ghi      | PRESENT
          bearer abc.def.ghi      | PRESENT
          BEARER   abc.def.ghi    | PRESENT
          Basic dXNlcjpwYXNz      | OTHER_SCHEME
          Bearer                  | MALFORMED
          Bearer a b              | MALFORMED
          Bearer a,b              | MALFORMED
          Bearer abc"def          | MALFORMED
          Basic a b               | OTHER_SCHEME
          Bear(er abc             | OTHER_SCHEME
          Bearer abc==            | PRESENT
          Bearer ===              | MALFORMED
          Bearer a=b              | MALFORMED
          """)
  void readsOneAuthorizationHeader(String value, BearerCredentials.Kind kind) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", value);

    assertThat(BearerCredentials.from(headers).kind()).isEqualTo(kind);
  }

  @Test
  void tellsMissingFromDuplicate() {
    assertThat(BearerCredentials.from(MultiMap.caseInsensitiveMultiMap()).kind())
        .isEqualTo(BearerCredentials.Kind.MISSING);
    MultiMap two =
        MultiMap.caseInsensitiveMultiMap()
            .add("Authorization", "Bearer a.b.c")
            .add("authorization", "Bearer d.e.f");
    assertThat(BearerCredentials.from(two).kind()).isEqualTo(BearerCredentials.Kind.DUPLICATE);
  }

  @Test
  void readsEachHeaderByItsOwnValueWhateverWasReadBefore() {
    MultiMap valid = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer abc.def");
    MultiMap malformed = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer abc def");
    MultiMap other = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer xyz");

    assertThat(BearerCredentials.from(valid).token()).contains("abc.def");
    assertThat(BearerCredentials.from(malformed).kind())
        .isEqualTo(BearerCredentials.Kind.MALFORMED);
    assertThat(BearerCredentials.from(other).token()).contains("xyz");
    // An equal value in another String, as each request brings, reads the same.
    MultiMap again =
        MultiMap.caseInsensitiveMultiMap().add("Authorization", new String("Bearer xyz"));
    assertThat(BearerCredentials.from(again).token()).contains("xyz");
    MultiMap twice = MultiMap.caseInsensitiveMultiMap().addAll(again).add("Authorization", "x");
    assertThat(BearerCredentials.from(twice).kind()).isEqualTo(BearerCredentials.Kind.DUPLICATE);
  }

  @Test
  void keepsTheTokenText() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "bearer x.y.z=");

    assertThat(BearerCredentials.from(headers).token()).contains("x.y.z=");
  }
}
