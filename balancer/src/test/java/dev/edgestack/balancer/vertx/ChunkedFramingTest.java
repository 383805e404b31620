package dev.edgestack.balancer.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where a chunked body ends, however its bytes are split across reads. */
class ChunkedFramingTest {
  private static final String BODY =
      "4;name=value\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n";

  @Test
  void findsTheEndWhetherTheBodyComesWholeOrByteByByte() throws Exception {
    for (int split : new int[] {BODY.length(), 1, 3, 7}) {
      ChunkedFraming framing = new ChunkedFraming(-1);
      int consumed = 0;
      String input = BODY + "GET /next";
      while (!framing.done()) {
        int to = Math.min(input.length(), consumed + split);
        ByteBuf piece = bytes(input.substring(consumed, to));
        consumed += framing.scan(piece);
        piece.release();
      }
      assertThat(consumed).as("split %d", split).isEqualTo(BODY.length());
    }
  }

  @Test
  void stopsAtTheCapOfDataBytes() {
    ChunkedFraming framing = new ChunkedFraming(8);
    assertThatThrownBy(() -> framing.scan(bytes("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n")))
        .isInstanceOfSatisfying(
            ChunkedFraming.Invalid.class, invalid -> assertThat(invalid.tooLarge).isTrue());
  }

  @Test
  void refusesMalformedFraming() {
    for (String bad : new String[] {"x\r\n", "5\r\nhelloXY", "\r\n", "5\nhello\r\n"}) {
      ChunkedFraming framing = new ChunkedFraming(-1);
      assertThatThrownBy(() -> framing.scan(bytes(bad)))
          .as(bad)
          .isInstanceOfSatisfying(
              ChunkedFraming.Invalid.class, invalid -> assertThat(invalid.tooLarge).isFalse());
    }
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }
}
