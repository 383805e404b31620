package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyLimitTest {

  @Test
  void admitsNoDeclaredLengthAndLengthsUpToTheLimit() {
    assertThat(BodyLimit.check(List.of(), 16).succeeded()).isTrue();
    assertThat(BodyLimit.check(List.of("0"), 16).succeeded()).isTrue();
    assertThat(BodyLimit.check(List.of("16"), 16).succeeded()).isTrue();
  }

  @Test
  void rejectsALengthOverTheLimitAsPayloadTooLarge() {
    assertThat(kind(BodyLimit.check(List.of("17"), 16))).isEqualTo(FailureKind.PAYLOAD_TOO_LARGE);
    assertThat(kind(BodyLimit.check(List.of("999999999999999999"), 16)))
        .isEqualTo(FailureKind.PAYLOAD_TOO_LARGE);
  }

  @Test
  void rejectsMalformedOrRepeatedLengthsAsBadRequest() {
    assertThat(kind(BodyLimit.check(List.of("-1"), 16))).isEqualTo(FailureKind.BAD_REQUEST);
    assertThat(kind(BodyLimit.check(List.of("1e3"), 16))).isEqualTo(FailureKind.BAD_REQUEST);
    assertThat(kind(BodyLimit.check(List.of("1", "1"), 16))).isEqualTo(FailureKind.BAD_REQUEST);
  }

  private static FailureKind kind(Future<Void> result) {
    assertThat(result.failed()).isTrue();
    return ((EdgeFailure) result.cause()).kind();
  }
}
