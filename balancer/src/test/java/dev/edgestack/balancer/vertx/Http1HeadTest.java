package dev.edgestack.balancer.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http1HeadTest {
  private final Http1Head head = new Http1Head();

  private void loadRequest(String text) throws Http1Head.Malformed {
    ByteBuf in = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    try {
      head.load(in, in.readableBytes());
      head.parseRequest(64);
    } finally {
      in.release();
    }
  }

  @Test
  void aReusedHeadKeepsNothingOfThePreviousMessage() throws Exception {
    loadRequest(
        "POST /a HTTP/1.0\r\nHost: one\r\nConnection: keep-alive, X-Opt\r\n"
            + "Transfer-Encoding: chunked\r\nX-Opt: 1\r\n\r\n");
    assertThat(head.chunked).isTrue();
    assertThat(head.http10).isTrue();
    assertThat(head.persistent()).isTrue();
    assertThat(head.hopByHop(3)).as("X-Opt, named by Connection").isTrue();

    loadRequest("GET /b HTTP/1.1\r\nHost: two\r\nContent-Length: 5\r\nX-Opt: 2\r\n\r\n");
    assertThat(head.method).isEqualTo("GET");
    assertThat(head.target).isEqualTo("/b");
    assertThat(head.host).isEqualTo("two");
    assertThat(head.http10).isFalse();
    assertThat(head.chunked).isFalse();
    assertThat(head.keepAlive).isFalse();
    assertThat(head.contentLength).isEqualTo(5);
    assertThat(head.count).isEqualTo(3);
    assertThat(head.value(2)).isEqualTo("2");
    assertThat(head.hopByHop(2)).as("X-Opt is no longer a connection option").isFalse();
    assertThat(new String(head.bytes, 0, head.targetEnd, StandardCharsets.US_ASCII))
        .isEqualTo("GET /b");
  }

  @Test
  void growsForAHeadLargerThanAnyBefore() throws Exception {
    String big = "x".repeat(3000);
    loadRequest("GET /" + big + " HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(head.target).isEqualTo("/" + big);
    assertThat(head.end).isEqualTo(head.target.length() + 26);
  }

  @Test
  void reusesTheTextsOfTheSameTargetAndHostAndMakesNewOnesOtherwise() throws Exception {
    loadRequest("GET /same HTTP/1.1\r\nHost: h.test\r\n\r\n");
    String target = head.target;
    String host = head.host;
    loadRequest("GET /same HTTP/1.1\r\nHost: h.test\r\n\r\n");
    assertThat(head.target).isSameAs(target);
    assertThat(head.host).isSameAs(host);
    loadRequest("GET /samf HTTP/1.1\r\nHost: h.tesu\r\n\r\n");
    assertThat(head.target).isEqualTo("/samf");
    assertThat(head.host).isEqualTo("h.tesu");
  }

  @Test
  void theVersionIsCaseSensitive() {
    assertThatThrownBy(() -> loadRequest("GET / http/1.1\r\nHost: h\r\n\r\n"))
        .isInstanceOf(Http1Head.Malformed.class)
        .hasMessageContaining("version");
  }

  @Test
  void parsesAResponseIntoAHeadThatHeldARequest() throws Exception {
    loadRequest("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    ByteBuf in =
        Unpooled.copiedBuffer(
            "HTTP/1.1 204 No Content\r\nVia: 1.1 up\r\n\r\n", StandardCharsets.ISO_8859_1);
    head.load(in, in.readableBytes());
    in.release();
    head.parseResponse(64);
    assertThat(head.status).isEqualTo(204);
    assertThat(head.chunked).isFalse();
    assertThat(head.host).isNull();
    assertThat(head.value(0)).isEqualTo("1.1 up");
  }

  @Test
  void aLongValueKeepsEveryByteAFieldMayHoldAndEndsAtItsLine() throws Exception {
    StringBuilder value = new StringBuilder("a\tb");
    for (char c = ' ' + 1; c < 127; c++) {
      value.append(c);
    }
    for (char c = 0x80; c <= 0xff; c++) {
      value.append(c);
    }
    for (int length = 0; length <= 24; length++) {
      String field =
          value.substring(0, Math.min(value.length(), 3 + length))
              + "z".repeat(length)
              + "\t"
              + value.substring(length);
      loadRequest("GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + field + "\r\nX-Next: n\r\n\r\n");
      assertThat(head.value(1)).isEqualTo(field);
      assertThat(head.value(2)).isEqualTo("n");
    }
  }

  @Test
  void aValueHoldingNulDelOrABareCrOrLfIsRefusedAtAnyOffset() throws Exception {
    // Offsets on both sides of each eight-byte word the value is scanned in.
    for (char bad : new char[] {0, 127, '\r', '\n'}) {
      for (int at = 0; at < 20; at++) {
        String field = "v".repeat(at) + bad + "w".repeat(20 - at);
        String text = "GET / HTTP/1.1\r\nHost: h\r\nX-Bad: " + field + "\r\n\r\n";
        assertThatThrownBy(() -> loadRequest(text))
            .as("byte %d at offset %d", (int) bad, at)
            .isInstanceOfSatisfying(
                Http1Head.Malformed.class, refused -> assertThat(refused.status).isEqualTo(400));
      }
    }
  }

  @Test
  void aShortHeadAfterALongOneIsNotReadPastItsEnd() throws Exception {
    loadRequest("GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + "x".repeat(200) + "\r\n\r\n");
    // The long head's bytes after the short one's end go on with x's and its CRLFs: a scan past
    // the end would take them for the rest of this unfinished line.
    assertThatThrownBy(() -> loadRequest("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1234567"))
        .isInstanceOf(Http1Head.Malformed.class);
  }

  @Test
  void recognisesEachFieldTheRelayRewritesInAnyCaseAndNothingElse() throws Exception {
    String[][] fields = {
      {"HOST", "h"},
      {"content-LENGTH", "0"},
      {"Transfer-Encoding", "chunked"},
      {"Connection", "keep-alive"},
      {"Keep-Alive", "timeout=5"},
      {"Proxy-Connection", "x"},
      {"TE", "trailers"},
      {"Trailer", "x"},
      {"Upgrade", "x"},
      {"Proxy-Authenticate", "x"},
      {"Proxy-Authorization", "x"},
      {"X-Forwarded-For", "x"},
      {"Forwarded", "x"},
      {"X-Forwarded-Port", "1"},
      {"X-Forwarded-Prefix", "/"},
      {"X-Real-IP", "x"},
      {"Via", "x"},
      {"X-Request-Id", "x"},
      {"Traceparent", "x"},
      {"X-Forwarded-Proto", "x"},
      {"X-Forwarded-Host", "x"},
      // Same lengths and first letters as names above, yet none of them.
      {"Hosx", "x"},
      {"Te2", "x"},
      {"Vib", "x"},
      {"X-Forwarded-Fox", "x"},
      {"Trailers", "x"},
      {"Authorization", "x"},
      {"X", "x"},
      {"X-A-Name-Longer-Than-Any-Known-One", "x"}
    };
    byte[] expected = {
      Http1Head.HOST,
      Http1Head.CONTENT_LENGTH,
      Http1Head.TRANSFER_ENCODING,
      Http1Head.CONNECTION,
      Http1Head.HOP_BY_HOP,
      Http1Head.HOP_BY_HOP,
      Http1Head.HOP_BY_HOP,
      Http1Head.HOP_BY_HOP,
      Http1Head.HOP_BY_HOP,
      Http1Head.HOP_BY_HOP,
      Http1Head.HOP_BY_HOP,
      Http1Head.X_FORWARDED_FOR,
      Http1Head.FORWARDED,
      Http1Head.OTHER_FORWARDING,
      Http1Head.OTHER_FORWARDING,
      Http1Head.OTHER_FORWARDING,
      Http1Head.VIA,
      Http1Head.REQUEST_ID,
      Http1Head.TRACEPARENT,
      Http1Head.X_FORWARDED_PROTO,
      Http1Head.X_FORWARDED_HOST,
      Http1Head.OTHER,
      Http1Head.OTHER,
      Http1Head.OTHER,
      Http1Head.OTHER,
      Http1Head.OTHER,
      Http1Head.OTHER,
      Http1Head.OTHER,
      Http1Head.OTHER
    };
    StringBuilder text = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (String[] field : fields) {
      text.append(field[0]).append(": ").append(field[1]).append("\r\n");
    }
    ByteBuf in = Unpooled.copiedBuffer(text.append("\r\n").toString(), StandardCharsets.ISO_8859_1);
    try {
      head.load(in, in.readableBytes());
      head.parseResponse(64);
    } finally {
      in.release();
    }
    assertThat(head.count).isEqualTo(fields.length);
    for (int i = 0; i < fields.length; i++) {
      assertThat(head.kinds[i]).as(fields[i][0]).isEqualTo(expected[i]);
    }
  }
}
