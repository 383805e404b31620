package dev.edgestack.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceContextTest {
  private static final String VALID = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  @Test
  void keepsTheTraceAndStartsANewSpan() {
    TraceContext child = TraceContext.childOf(VALID);
    assertThat(child.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(child.spanId()).hasSize(16).isNotEqualTo("b7ad6b7169203331");
    assertThat(child.traceparent()).matches("00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01");
  }

  @Test
  void startsANewTraceForMissingOrInvalidValues() {
    for (String bad :
        new String[] {
          null,
          "",
          "garbage",
          "00-00000000000000000000000000000000-b7ad6b7169203331-01",
          "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
          "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
          "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"
        }) {
      TraceContext fresh = TraceContext.childOf(bad);
      assertThat(fresh.traceId()).as(String.valueOf(bad)).matches("[0-9a-f]{32}");
      assertThat(fresh.traceId()).isNotEqualTo("0af7651916cd43dd8448eb211c80319c");
    }
  }

  @Test
  void requestIdsMustBeShortAndPlain() {
    assertThat(Exchange.isValidRequestId("abc-123_x.y:z")).isTrue();
    assertThat(Exchange.isValidRequestId("")).isFalse();
    assertThat(Exchange.isValidRequestId("a b")).isFalse();
    assertThat(Exchange.isValidRequestId("x\r\nInjected: 1")).isFalse();
    assertThat(Exchange.isValidRequestId("x".repeat(129))).isFalse();
  }
}
