package dev.edgestack.runtime.listener;

import static dev.edgestack.runtime.testing.RawHttp.readHead;
import static dev.edgestack.runtime.testing.RawHttp.readToEnd;
import static dev.edgestack.runtime.testing.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 9112 strictness of the edge listener over raw sockets: each bad request gets its status, the
 * connection is closed where required, and the handler behind (the "backend") never sees it.
 */
class StrictHttp1ParsingTest {
  private static final ListenerConfig LIMITS =
      ListenerConfig.defaults()
          .withLimits(512, 2048, 20, 100)
          .withTimeouts(Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofMillis(600));

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger backendSaw = new AtomicInteger();
  private EdgeListener listener;

  @BeforeEach
  void start() throws Exception {
    listener =
        EdgeListener.start(
                vertx,
                "127.0.0.1",
                0,
                LIMITS,
                registry,
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              backendSaw.incrementAndGet();
                              request.response().end("ok " + body.length());
                            }))
            .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void servesAWellFormedRequestAndKeepsTheConnection() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
      assertThat(readHead(socket)).startsWith("HTTP/1.1 200");
      send(socket, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readHead(socket)).startsWith("HTTP/1.1 200");
    }
    assertThat(backendSaw).hasValue(2);
  }

  @Test
  void rejectsContentLengthWithTransferEncodingAndCloses() throws Exception {
    assertRejected(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\n\r\n",
        400);
  }

  @Test
  void rejectsDifferingContentLengths() throws Exception {
    assertRejected(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400);
  }

  @Test
  void rejectsChunkedThatIsNotTheFinalCoding() throws Exception {
    assertRejected(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400);
  }

  @Test
  void answersAnUnknownTransferCodingWith501() throws Exception {
    assertRejected(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501);
  }

  @Test
  void rejectsAnHttp11RequestWithoutHost() throws Exception {
    assertRejected("GET / HTTP/1.1\r\n\r\n", 400);
  }

  @Test
  void rejectsARepeatedHost() throws Exception {
    assertRejected("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  }

  @Test
  void rejectsARequestLineOverTheLimitWith414() throws Exception {
    assertRejected("GET /" + "a".repeat(600) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
  }

  @Test
  void rejectsAHeaderSectionOverTheLimitWith431() throws Exception {
    assertRejected("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n", 431);
  }

  @Test
  void rejectsTooManyHeaderFieldsWith431() throws Exception {
    StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 25; i++) {
      head.append("X-H").append(i).append(": v\r\n");
    }
    assertRejected(head + "\r\n", 431);
  }

  @Test
  void rejectsADeclaredBodyOverTheLimitBeforeReadingIt() throws Exception {
    assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n", 413);
  }

  @Test
  void rejectsAChunkedBodyWhenItCrossesTheLimit() throws Exception {
    String chunk = "a".repeat(60);
    assertRejected(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n"
            + chunk
            + "\r\n3c\r\n"
            + chunk
            + "\r\n",
        413);
  }

  @Test
  void answers408AndClosesWhenTheHeadDoesNotArrive() throws Exception {
    assertRejected("GET / HTTP/1.1\r\nHost: x\r\n", 408);
  }

  @Test
  void answers408AndClosesWhenTheBodyStalls() throws Exception {
    assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 408);
  }

  @Test
  void closesAnIdleKeepAliveConnection() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readHead(socket)).startsWith("HTTP/1.1 200");
      long start = System.nanoTime();
      assertThat(readToEnd(socket)).as("connection closed by the server").isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(300));
    }
  }

  @Test
  void rejectsContentLengthWithTransferEncodingOverTlsToo() throws Exception {
    EdgeListener secure =
        EdgeListener.start(
                vertx,
                "127.0.0.1",
                0,
                LIMITS.withTls(TlsConfig.selfSigned(0)),
                registry,
                request -> backendSaw.incrementAndGet())
            .await(20, TimeUnit.SECONDS);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {new TrustEverything()}, null);
    try (Socket socket =
        tls.getSocketFactory().createSocket("127.0.0.1", secure.tlsPort().getAsInt())) {
      socket.setSoTimeout(5000);
      assertRejected(
          socket,
          "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "0\r\n\r\n",
          400);
    }
  }

  private void assertRejected(String request, int status) throws Exception {
    try (Socket socket = connect()) {
      assertRejected(socket, request, status);
    }
  }

  private void assertRejected(Socket socket, String request, int status) throws Exception {
    {
      send(socket, request);
      String answer = readToEnd(socket);
      assertThat(answer).as("answer, then closed").isNotNull();
      assertThat(answer).startsWith("HTTP/1.1 " + status + " ");
      assertThat(answer)
          .contains("application/problem+json")
          .containsIgnoringCase("connection: close");
    }
    assertThat(backendSaw).as("requests the backend saw").hasValue(0);
    assertThat(registry.get("edge_http_rejections").tag("status", "" + status).counter().count())
        .as("edge_http_rejections_total{status=%d}", status)
        .isEqualTo(1);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", listener.port());
    socket.setSoTimeout(5000);
    return socket;
  }

  /** The listener's certificate is self-signed: this test checks parsing, not trust. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) {}

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) {}

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return new java.security.cert.X509Certificate[0];
    }
  }
}
