package dev.edgestack.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathSegmentsTest {
  @Test
  void decodesPercentEncodedUtf8() {
    assertThat(PathSegments.decode("acc-alice-1")).contains("acc-alice-1");
    assertThat(PathSegments.decode("a%20b")).contains("a b");
    assertThat(PathSegments.decode("%C3%A9")).contains("é");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..", ".", "%2E%2E", "%2e.", "a%2Fb", "a%2fb", "a%5Cb", "%00", "a%0Ab", "%", "%4", "%zz",
        "%C3"
      })
  void refusesValuesThatCouldChangeTheUpstreamPath(String raw) {
    assertThat(PathSegments.decode(raw)).isEmpty();
  }

  @Test
  void encodesAllButUnreservedCharacters() {
    assertThat(PathSegments.encode("Az09-._~")).isEqualTo("Az09-._~");
    assertThat(PathSegments.encode("a/b;c=d%")).isEqualTo("a%2Fb%3Bc%3Dd%25");
  }
}
