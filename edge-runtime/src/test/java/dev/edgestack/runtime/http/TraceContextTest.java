package dev.edgestack.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
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
  void aNewTraceHasNonZeroLowerCaseHexIdsAndOneTraceparent() {
    TraceContext fresh = TraceContext.childOf(null);
    assertThat(fresh.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    assertThat(fresh.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
    assertThat(fresh.traceparent())
        .isEqualTo("00-" + fresh.traceId() + "-" + fresh.spanId() + "-01")
        .isSameAs(fresh.traceparent());
    assertThat(Ids.newRequestId()).matches("[0-9a-f]{32}");
  }

  @Test
  void aResetContextForgetsThePreviousRequestsIdsAndTexts() {
    TraceContext reused = TraceContext.reusable();
    byte[] head = ("x" + VALID.replace("-01", "-00") + "y").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(reused.resetChildOf(head, 1, head.length - 1)).isSameAs(reused);
    String firstParent = reused.traceparent();
    String firstSpan = reused.spanId();
    assertThat(reused.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(firstParent).endsWith("-00");

    reused.resetChildOf(null, 0, 0);
    assertThat(reused.traceId())
        .matches("[0-9a-f]{32}")
        .isNotEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(reused.spanId()).isNotEqualTo(firstSpan);
    assertThat(reused.traceparent())
        .isEqualTo("00-" + reused.traceId() + "-" + reused.spanId() + "-01");
    ByteBuf wire = Unpooled.buffer();
    reused.writeTraceparent(wire);
    assertThat(wire.toString(StandardCharsets.ISO_8859_1)).isEqualTo(reused.traceparent());

    byte[] invalid = "00-zz".getBytes(StandardCharsets.ISO_8859_1);
    String rootTrace = reused.traceId();
    reused.resetChildOf(invalid, 0, invalid.length);
    assertThat(reused.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(rootTrace);
  }

  @Test
  void keepsTheFlagsAndTrimsTheIncomingValue() {
    TraceContext child =
        TraceContext.childOf(" 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00 ");
    assertThat(child.traceparent())
        .startsWith("00-0af7651916cd43dd8448eb211c80319c-")
        .endsWith("-00");
    assertThat(TraceContext.childOf(VALID + "-extra").traceId())
        .isNotEqualTo("0af7651916cd43dd8448eb211c80319c");
  }

  @Test
  void readsAValueInPlaceAsItReadsItsText() {
    byte[] head = ("traceparent:  " + VALID + " \r\n").getBytes(StandardCharsets.ISO_8859_1);
    TraceContext child = TraceContext.childOf(head, 12, head.length - 2);
    assertThat(child.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(child.traceparent()).matches("00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01");
    byte[] bad = ("x" + VALID.replace('a', 'A')).getBytes(StandardCharsets.ISO_8859_1);
    assertThat(TraceContext.childOf(bad, 1, bad.length).traceId())
        .isNotEqualTo("0af7651916cd43dd8448eb211c80319c");
    ByteBuf out = Unpooled.buffer();
    child.writeTraceparent(out);
    assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(child.traceparent());
    TraceContext root = TraceContext.childOf((String) null);
    ByteBuf rootOut = Unpooled.buffer();
    root.writeTraceparent(rootOut);
    assertThat(rootOut.toString(StandardCharsets.US_ASCII))
        .isEqualTo(root.traceparent())
        .isEqualTo("00-" + root.traceId() + "-" + root.spanId() + "-01");
  }

  @Test
  void requestIdsMustBeShortAndPlain() {
    assertThat(Exchange.isValidRequestId("AZaz09._:+/=-")).isTrue();
    assertThat(Exchange.isValidRequestId("x".repeat(128))).isTrue();
    assertThat(Exchange.isValidRequestId("caf\u00e9")).isFalse();
    assertThat(Exchange.isValidRequestId("abc-123_x.y:z")).isTrue();
    assertThat(Exchange.isValidRequestId("")).isFalse();
    assertThat(Exchange.isValidRequestId("a b")).isFalse();
    assertThat(Exchange.isValidRequestId("x\r\nInjected: 1")).isFalse();
    assertThat(Exchange.isValidRequestId("x".repeat(129))).isFalse();
    for (char c = 0; c < 256; c++) {
      boolean plain =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || "._:+/=-".indexOf(c) >= 0;
      assertThat(Exchange.isValidRequestId(String.valueOf(c)))
          .as("char %d", (int) c)
          .isEqualTo(plain);
      byte[] one = {(byte) c};
      assertThat(Exchange.isValidRequestId(one, 0, 1)).as("byte %d", (int) c).isEqualTo(plain);
    }
    byte[] head = "id: abc-123\u00e9 x".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(Exchange.isValidRequestId(head, 4, 11)).isTrue();
    assertThat(Exchange.isValidRequestId(head, 4, 12)).as("a Latin-1 letter").isFalse();
    assertThat(Exchange.isValidRequestId(head, 4, 4)).isFalse();
    ByteBuf written = Unpooled.buffer();
    Ids.writeHex(0x0123456789abcdefL, written);
    Ids.writeHex(-1L, written);
    assertThat(written.toString(StandardCharsets.US_ASCII))
        .isEqualTo("0123456789abcdefffffffffffffffff")
        .isEqualTo(Ids.hex(0x0123456789abcdefL, -1L));
  }
}
