package dev.edgestack.edgelb;

import static dev.edgestack.runtime.testing.RawHttp.readResponse;
import static dev.edgestack.runtime.testing.RawHttp.readToEnd;
import static dev.edgestack.runtime.testing.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * edge-lb with {@code server.engine: relay}, against a real HTTP/1.1 backend over real sockets:
 * forwarding hygiene, bodies both ways, pipelining, strict parsing, failures of the upstream,
 * retries, the deadline and drain.
 */
class Http1RelayTest {
  private final Vertx vertx = Vertx.vertx();
  private final CopyOnWriteArrayList<MultiMap> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger backendSaw = new AtomicInteger();
  private final AtomicInteger backendConnectionsOpen = new AtomicInteger();
  private final List<RunningInstance> edges = new ArrayList<>();
  private HttpServer backend;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    backend =
        vertx
            .createHttpServer()
            .requestHandler(this::backend)
            .connectionHandler(
                connection -> {
                  backendConnectionsOpen.incrementAndGet();
                  connection.closeHandler(closed -> backendConnectionsOpen.decrementAndGet());
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
  }

  private void backend(HttpServerRequest request) {
    backendSaw.incrementAndGet();
    seen.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
    switch (request.path()) {
      case "/echo" ->
          request
              .body()
              .onSuccess(
                  body ->
                      request.response().setChunked(true).putHeader("X-Kind", "echo").end(body));
      case "/silent" -> {}
      case "/reset" -> request.connection().close();
      case "/die" -> {
        request.response().putHeader("content-length", "100").write("0123456789");
        vertx.setTimer(50, id -> request.connection().close());
      }
      case "/slow" -> vertx.setTimer(400, id -> request.response().end("slow done"));
      case "/continue" -> {
        request.response().writeContinue();
        request.body().onSuccess(body -> request.response().end("continued n=" + body.length()));
      }
      default ->
          request
              .body()
              .onSuccess(
                  body ->
                      request
                          .response()
                          .putHeader("Connection", "X-Backend-Hop")
                          .putHeader("X-Backend-Hop", "dropped")
                          .putHeader("Keep-Alive", "timeout=5")
                          .putHeader("Via", "1.1 backend")
                          .end(request.uri() + " n=" + body.length()));
    }
  }

  @AfterEach
  void stop() throws Exception {
    try {
      for (RunningInstance edge : edges) {
        edge.close().await(20, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The relay's own socket handling differs per transport; Http1RelayEpollTest runs epoll's. */
  protected String transport() {
    return "auto";
  }

  private RunningInstance edge(String endpoints, String extra) throws Exception {
    return edge(endpoints, "round-robin", extra);
  }

  private RunningInstance edge(String endpoints, String strategy, String extra) throws Exception {
    String yaml =
        """
        instance: {name: edge-test}
        server:
          port: 0
          engine: relay
          transport: %s
          maxRequestLineBytes: 512
          maxHeaderBytes: 2048
          maxHeaderCount: 20
          maxBodyBytes: 4000000
          headerTimeout: 400ms
          bodyTimeout: 400ms
          idleTimeout: 600ms
        shutdown: {drainDelay: 0s, timeout: 5s}
        admin: {port: 0}
        pool:
          name: gateways
          strategy: %s
          endpoints: %s
          healthCheck: {enabled: false}
        %s
        """
            .formatted(transport(), strategy, endpoints, extra);
    var config = ConfigLoader.withVariables(Map.of()).parse("edge-lb.yaml", yaml);
    RunningInstance edge =
        EdgeProcess.start("edge-lb", config, new EdgeLbMain()).await(20, TimeUnit.SECONDS);
    edges.add(edge);
    return edge;
  }

  private RunningInstance edge() throws Exception {
    return edge("127.0.0.1:" + backend.actualPort(), "");
  }

  @Test
  void aTrustedProxyThatSentNoForwardingFieldsIsTheFirstHopOfEach() throws Exception {
    RunningInstance edge =
        edge("127.0.0.1:" + backend.actualPort(), "forwarded: {trustedProxies: [127.0.0.1/32]}");
    try (Socket socket = connect(edge)) {
      // An empty X-Forwarded-For and a Via of spaces join into blank values: only ours remain.
      send(socket, "GET /t HTTP/1.0\r\nHost: inner.test\r\nX-Forwarded-For:\r\nVia:  \r\n\r\n");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 OK\r\n");
    }
    MultiMap headers = seen.get(0);
    assertThat(headers.getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
    assertThat(headers.getAll("X-Forwarded-Proto")).containsExactly("http");
    assertThat(headers.getAll("X-Forwarded-Host")).containsExactly("inner.test");
    assertThat(headers.getAll("Forwarded"))
        .containsExactly("for=127.0.0.1;host=\"inner.test\";proto=http");
    assertThat(headers.getAll("Via")).containsExactly("1.0 edge-test");
  }

  @Test
  void extendsTheForwardingFieldsOfATrustedProxy() throws Exception {
    RunningInstance edge =
        edge("127.0.0.1:" + backend.actualPort(), "forwarded: {trustedProxies: [127.0.0.1/32]}");
    for (int i = 0; i < 2; i++) {
      try (Socket socket = connect(edge)) {
        send(
            socket,
            "GET /t HTTP/1.1\r\nHost: inner.test\r\nX-Forwarded-For: 6.6.6.6\r\n"
                + "X-Forwarded-For: 7.7.7.7, 10.0.0.1\r\nForwarded: for=6.6.6.6\r\n"
                + "X-Forwarded-Proto: https\r\nX-Real-IP: 6.6.6.6\r\nVia: 1.1 front\r\n"
                + (i == 0 ? "X-Forwarded-Host: shop.test\r\n" : "")
                + "\r\n");
        assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 OK\r\n");
      }
      MultiMap headers = seen.get(i);
      assertThat(headers.getAll("X-Forwarded-For"))
          .containsExactly("6.6.6.6, 7.7.7.7, 10.0.0.1, 127.0.0.1");
      assertThat(headers.getAll("X-Forwarded-Proto")).containsExactly("https");
      assertThat(headers.getAll("X-Forwarded-Host"))
          .containsExactly(i == 0 ? "shop.test" : "inner.test");
      assertThat(headers.getAll("Forwarded"))
          .containsExactly("for=6.6.6.6, for=127.0.0.1;host=\"inner.test\";proto=http");
      assertThat(headers.getAll("X-Real-IP")).containsExactly("6.6.6.6");
      assertThat(headers.getAll("Via")).containsExactly("1.1 front, 1.1 edge-test");
    }
  }

  @Test
  void replacesForwardingFieldsAndDropsHopByHopOnesBothWays() throws Exception {
    RunningInstance edge = edge();
    try (Socket socket = connect(edge)) {
      send(
          socket,
          "GET /a?q=1 HTTP/1.1\r\nHost: example.test\r\nX-Forwarded-For: 6.6.6.6\r\n"
              + "Forwarded: for=evil\r\nX-Real-IP: 6.6.6.6\r\nConnection: keep-alive, X-Drop\r\n"
              + "X-Drop: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nX-Request-Id: abc-123\r\n"
              + "Via: 1.1 client-proxy\r\nX-Other: kept\r\n\r\n");
      String response = readResponse(socket);
      assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("/a?q=1 n=0");
      String head = response.toLowerCase();
      assertThat(head)
          .contains("via: 1.1 backend, 1.1 edge-test\r\n")
          .contains("x-request-id: abc-123\r\n")
          .doesNotContain("x-backend-hop")
          .doesNotContain("keep-alive");
    }
    MultiMap headers = seen.get(0);
    assertThat(headers.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(headers.get("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(headers.get("X-Forwarded-Host")).isEqualTo("example.test");
    assertThat(headers.getAll("Forwarded"))
        .containsExactly("for=127.0.0.1;host=\"example.test\";proto=http");
    assertThat(headers.get("X-Real-IP")).isNull();
    assertThat(headers.get("X-Drop")).isNull();
    assertThat(headers.get("Keep-Alive")).isNull();
    assertThat(headers.get("TE")).isNull();
    assertThat(headers.get("X-Request-Id")).isEqualTo("abc-123");
    assertThat(headers.get("Via")).isEqualTo("1.1 client-proxy, 1.1 edge-test");
    assertThat(headers.get("X-Other")).isEqualTo("kept");
    assertThat(headers.get("Host")).isEqualTo("127.0.0.1:" + backend.actualPort());
    assertThat(headers.get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
  }

  @Test
  void aKeptAliveConnectionForgetsWhatThePreviousHeadSaid() throws Exception {
    RunningInstance edge = edge();
    try (Socket socket = connect(edge)) {
      send(
          socket,
          "POST /first HTTP/1.1\r\nHost: one.test\r\nConnection: X-Drop\r\nX-Drop: 1\r\n"
              + "X-Request-Id: first-id\r\n"
              + "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n"
              + "Via: 1.0 client-proxy\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3\r\nabc\r\n0\r\n\r\n");
      String first = readResponse(socket);
      assertThat(first).endsWith("/first n=3").contains("X-Request-Id: first-id\r\n");
      send(socket, "GET /second HTTP/1.1\r\nHost: two.test\r\nX-Drop: 2\r\n\r\n");
      String second = readResponse(socket);
      assertThat(second).endsWith("/second n=0").doesNotContain("first-id");
      send(socket, "GET /second HTTP/1.1\r\nHost: two.test\r\n\r\n");
      assertThat(readResponse(socket)).endsWith("/second n=0");
    }
    assertThat(seen).hasSize(3);
    MultiMap second = seen.get(1);
    assertThat(second.get("X-Drop")).as("no longer named by Connection").isEqualTo("2");
    assertThat(second.get("X-Forwarded-Host")).isEqualTo("two.test");
    assertThat(second.getAll("Forwarded"))
        .containsExactly("for=127.0.0.1;host=\"two.test\";proto=http");
    assertThat(second.get("X-Request-Id")).matches("[0-9a-f]{32}");
    assertThat(second.get("traceparent"))
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
        .doesNotContain("0af7651916cd43dd8448eb211c80319c");
    assertThat(second.get("Via")).isEqualTo("1.1 edge-test");
    assertThat(second.get("Transfer-Encoding")).isNull();
    assertThat(seen.get(2).get("X-Request-Id")).isNotEqualTo(second.get("X-Request-Id"));
    assertThat(seen.get(0).get("traceparent"))
        .startsWith("00-0af7651916cd43dd8448eb211c80319c-")
        .doesNotContain("b7ad6b7169203331");
  }

  @Test
  void aFailedRequestLeavesNothingToTheNextOnItsConnection() throws Exception {
    // The connection's next request reuses the failed one's object: its id, trace, attempts,
    // deadline and link must all be its own.
    RunningInstance edge =
        edge(
            "127.0.0.1:" + backend.actualPort(),
            "  timeouts: {connect: 1s, request: 300ms}\n  retry: {attempts: 1}");
    try (Socket socket = connect(edge)) {
      // Pipelined: the second request is read while the first one's failure is answered.
      send(
          socket,
          "GET /reset HTTP/1.1\r\nHost: x\r\nX-Request-Id: failing-id\r\n"
              + "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n"
              + "GET /after-reset HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket))
          .startsWith("HTTP/1.1 502 ")
          .contains("X-Request-Id: failing-id\r\n");
      assertThat(readResponse(socket))
          .startsWith("HTTP/1.1 200 ")
          .endsWith("/after-reset n=0")
          .doesNotContain("failing-id");
      send(socket, "GET /silent HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 504 ");
      long start = System.nanoTime();
      send(socket, "GET /after-silence HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ").endsWith("/after-silence n=0");
      assertThat(System.nanoTime() - start)
          .as("not held to the previous request's deadline")
          .isLessThan(TimeUnit.SECONDS.toNanos(2));
    }
    assertThat(seen).hasSize(4);
    assertThat(seen.get(0).get("X-Request-Id")).isEqualTo("failing-id");
    for (MultiMap after : List.of(seen.get(1), seen.get(3))) {
      assertThat(after.get("X-Request-Id")).matches("[0-9a-f]{32}");
      assertThat(after.get("traceparent"))
          .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
          .doesNotContain("0af7651916cd43dd8448eb211c80319c");
    }
    assertThat(seen.get(1).get("X-Request-Id")).isNotEqualTo(seen.get(3).get("X-Request-Id"));
    assertThat(seen.get(1).get("traceparent")).isNotEqualTo(seen.get(3).get("traceparent"));
  }

  @Test
  void closesAKeptAliveUpstreamConnectionIdlePastItsLimitWhileNoRequestComes() throws Exception {
    // The pool's idle limit is by default its request timeout; the backend never closes an idle
    // connection.
    assertTheIdleConnectionClosesAfter(
        edge("127.0.0.1:" + backend.actualPort(), "  timeouts: {connect: 1s, request: 1s}"),
        Duration.ofSeconds(1));
  }

  @Test
  void keepsAnIdleConnectionForThePoolsIdleTimeoutRatherThanItsRequestTimeout() throws Exception {
    // The request timeout (1 s) passes first, and the connection must outlive it.
    assertTheIdleConnectionClosesAfter(
        edge(
            "127.0.0.1:" + backend.actualPort(),
            "  timeouts: {connect: 1s, request: 1s, idle: 3s}"),
        Duration.ofSeconds(3));
  }

  /**
   * The upstream connection of one answered request stays open for {@code limit}, closes within 5 s
   * after it while no request comes, and the next request opens one again.
   */
  private void assertTheIdleConnectionClosesAfter(RunningInstance edge, Duration limit)
      throws Exception {
    long answered = System.nanoTime();
    assertThat(get(edge, "/first")).isEqualTo("200 /first n=0");
    assertThat(backendConnectionsOpen).as("kept alive after the answer").hasValue(1);
    await()
        .atMost(limit.plusSeconds(5))
        .untilAsserted(() -> assertThat(backendConnectionsOpen).hasValue(0));
    assertThat(System.nanoTime() - answered)
        .as("not closed before its idle limit")
        .isGreaterThanOrEqualTo(limit.toNanos());
    assertThat(get(edge, "/after")).isEqualTo("200 /after n=0");
    assertThat(backendConnectionsOpen).hasValue(1);
  }

  @Test
  void reachesAnEndpointNamedByHostName() throws Exception {
    // Resolved by Vert.x's resolver, off the event loop, as the compose topologies' names are.
    RunningInstance edge = edge("localhost:" + backend.actualPort(), "");
    assertThat(get(edge, "/named")).isEqualTo("200 /named n=0");
    assertThat(seen.get(0).get("Host")).isEqualTo("localhost:" + backend.actualPort());
  }

  @Test
  void passesAnInterimContinueOnBeforeTheFinalAnswer() throws Exception {
    RunningInstance edge = edge();
    try (Socket socket = connect(edge)) {
      send(
          socket,
          "POST /continue HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
              + "Content-Length: 4\r\n\r\n");
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readNBytes(25), StandardCharsets.ISO_8859_1))
          .isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
      send(socket, "data");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ").endsWith("continued n=4");
      send(socket, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket)).endsWith("/after n=0");
    }
  }

  @Test
  void streamsLargeBodiesBothWaysUnchangedWithAndWithoutALength() throws Exception {
    RunningInstance edge = edge();
    byte[] payload = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(payload);
    for (boolean chunked : new boolean[] {false, true}) {
      Buffer answer =
          client
              .request(HttpMethod.POST, edge.httpPort(), "127.0.0.1", "/echo")
              .compose(
                  request -> {
                    request.setChunked(chunked);
                    return request.send(Buffer.buffer(payload));
                  })
              .compose(HttpClientResponse::body)
              .await(20, TimeUnit.SECONDS);
      assertThat(answer.getBytes()).as("chunked request: " + chunked).isEqualTo(payload);
    }
  }

  @Test
  void answersPipelinedRequestsInOrderOnOneConnection() throws Exception {
    RunningInstance edge = edge();
    try (Socket socket = connect(edge)) {
      send(
          socket,
          "GET /p1 HTTP/1.1\r\nHost: x\r\n\r\n"
              + "POST /p2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
              + "POST /p3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "2\r\nde\r\n0\r\n\r\n");
      assertThat(readResponse(socket)).endsWith("/p1 n=0");
      assertThat(readResponse(socket)).endsWith("/p2 n=3");
      assertThat(readResponse(socket)).endsWith("/p3 n=2");
    }
  }

  @Test
  void rejectsWhatStrictParsingRefusesBeforeTheBackendSeesIt() throws Exception {
    RunningInstance edge = edge();
    Map<String, Integer> cases = new java.util.LinkedHashMap<>();
    cases.put(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\n\r\n",
        400);
    cases.put("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400);
    cases.put("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400);
    cases.put("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
    cases.put("GET / HTTP/1.1\r\n\r\n", 400);
    cases.put("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
    cases.put("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400);
    cases.put("GET / HTTP/1.1\nHost: a\n\n", 400);
    cases.put("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505);
    cases.put("GET /" + "a".repeat(600) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
    cases.put("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n", 431);
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 25; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    cases.put(many + "\r\n", 431);
    cases.put("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4000001\r\n\r\n", 413);
    cases.put("GET / HTTP/1.1\r\nHost: x\r\n", 408);
    cases.forEach(
        (request, status) -> {
          try (Socket socket = connect(edge)) {
            send(socket, request);
            String answer = readToEnd(socket);
            assertThat(answer).as("answer to %s, then closed", request).isNotNull();
            assertThat(answer)
                .as(request)
                .startsWith("HTTP/1.1 " + status + " ")
                .contains("application/problem+json")
                .containsIgnoringCase("connection: close");
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
    assertThat(backendSaw).as("requests the backend saw").hasValue(0);
    Map<Integer, Long> expected = new java.util.TreeMap<>();
    cases.values().forEach(status -> expected.merge(status, 1L, Long::sum));
    expected.forEach(
        (status, count) ->
            assertThat(
                    edge.context()
                        .registry()
                        .get("edge_http_rejections")
                        .tag("status", status.toString())
                        .counter()
                        .count())
                .as("edge_http_rejections_total{status=%d}", status)
                .isEqualTo(count.doubleValue()));
  }

  @Test
  void cutsOffAStalledBodyAndClosesAnIdleConnection() throws Exception {
    RunningInstance edge = edge();
    try (Socket socket = connect(edge)) {
      send(socket, "POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
      String answer = readToEnd(socket);
      assertThat(answer).as("answered, then closed").isNotNull().startsWith("HTTP/1.1 408 ");
    }
    try (Socket socket = connect(edge)) {
      // Timed from before the request: the idle time starts after the answer, so no delay in
      // reading that answer can make the wait look shorter than the 600 ms idle timeout.
      long start = System.nanoTime();
      send(socket, "GET /len HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200");
      assertThat(readToEnd(socket)).as("closed by the server when idle").isNotNull();
      assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(600));
    }
  }

  @Test
  void retriesARefusedEndpointAndAnswersAProblemWhenNoneConnects() throws Exception {
    int refused;
    try (ServerSocket closed = new ServerSocket(0)) {
      refused = closed.getLocalPort();
    }
    RunningInstance mixed = edge("127.0.0.1:" + refused + ",127.0.0.1:" + backend.actualPort(), "");
    for (int i = 0; i < 6; i++) {
      assertThat(get(mixed, "/r" + i)).isEqualTo("200 /r" + i + " n=0");
    }
    RunningInstance dead = edge("127.0.0.1:" + refused, "");
    try (Socket socket = connect(dead)) {
      send(socket, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
      String answer = readResponse(socket);
      assertThat(answer).startsWith("HTTP/1.1 502 ").contains("application/problem+json");
      send(socket, "GET /y HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket)).as("the connection stays usable").startsWith("HTTP/1.1 502");
    }
  }

  @Test
  void answers504WhenTheUpstreamStaysSilentPastTheDeadline() throws Exception {
    RunningInstance edge =
        edge(
            "127.0.0.1:" + backend.actualPort(),
            "  timeouts: {connect: 1s, request: 300ms}\n  retry: {attempts: 1}");
    long start = System.nanoTime();
    assertThat(get(edge, "/silent")).startsWith("504 ");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
  }

  @Test
  void neverPassesOnACutShortResponseAsComplete() throws Exception {
    RunningInstance edge = edge();
    try (Socket socket = connect(edge)) {
      send(socket, "GET /die HTTP/1.1\r\nHost: x\r\n\r\n");
      String answer = readToEnd(socket);
      assertThat(answer).as("the client connection is closed").isNotNull();
      assertThat(answer).startsWith("HTTP/1.1 200").contains("content-length: 100");
      assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).isEqualTo("0123456789");
    }
  }

  @Test
  void drainingLetsARequestInFlightFinish() throws Exception {
    RunningInstance edge = edge();
    Future<String> slow =
        client
            .request(
                new RequestOptions().setPort(edge.httpPort()).setHost("127.0.0.1").setURI("/slow"))
            .compose(request -> request.send())
            .compose(response -> response.body().map(body -> response.statusCode() + " " + body));
    org.awaitility.Awaitility.await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> seen.stream().anyMatch(h -> h.contains("X-Request-Id")));
    Future<Void> closed = edge.close();
    assertThat(slow.await(10, TimeUnit.SECONDS)).isEqualTo("200 slow done");
    closed.await(10, TimeUnit.SECONDS);
  }

  @Test
  void servesHttp10ClientsAndCountsRequestsUnderTheVertxMetricNames() throws Exception {
    RunningInstance edge = edge();
    try (Socket socket = connect(edge)) {
      send(socket, "GET /v HTTP/1.0\r\n\r\n");
      String answer = readToEnd(socket);
      assertThat(answer).as("answered, then closed (no keep-alive asked)").isNotNull();
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("/v n=0");
    }
    assertThat(get(edge, "/w")).isEqualTo("200 /w n=0");
    String metrics =
        client
            .request(HttpMethod.GET, edge.adminPort(), "127.0.0.1", "/metrics")
            .compose(request -> request.send())
            .compose(HttpClientResponse::body)
            .await(10, TimeUnit.SECONDS)
            .toString();
    assertThat(metrics.lines())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("vertx_http_server_requests_total{")
                    .contains("code=\"200\"", "method=\"GET\"", "role=\"edge-lb\"")
                    .endsWith(" 2.0"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("vertx_http_server_response_time_seconds_count{")
                    .contains("code=\"200\"")
                    .endsWith(" 2"));
  }

  @Test
  void keepsAClientOnOneEndpointByHashAndExplainsTheChoice() throws Exception {
    HttpServer second =
        vertx
            .createHttpServer()
            .requestHandler(request -> request.response().end("second"))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    RunningInstance edge =
        edge(
            "127.0.0.1:" + backend.actualPort() + ",127.0.0.1:" + second.actualPort(),
            "consistent-hash",
            "  hash: {on: header, name: X-User}\n"
                + "  debugHeader: {enabled: true, name: X-Balancer-Decision}");
    java.util.Set<String> answers = new java.util.HashSet<>();
    String decision = null;
    for (int i = 0; i < 8; i++) {
      try (Socket socket = connect(edge)) {
        send(socket, "GET /h HTTP/1.1\r\nHost: x\r\nX-User: alice\r\n\r\n");
        String answer = readResponse(socket);
        answers.add(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        decision =
            answer
                .lines()
                .filter(l -> l.toLowerCase().startsWith("x-balancer-decision:"))
                .findFirst()
                .orElse(null);
      }
    }
    assertThat(answers).hasSize(1);
    assertThat(decision).startsWithIgnoringCase("x-balancer-decision: gateways: consistent-hash");
  }

  @Test
  void refusesTheRelayTogetherWithH2c() {
    String yaml =
        """
        instance: {name: edge-test}
        server: {port: 0, engine: relay, h2c: true}
        admin: {port: 0}
        pool: {name: gateways, endpoints: "127.0.0.1:1"}
        """;
    assertThatThrownBy(
            () ->
                EdgeProcess.start(
                        "edge-lb",
                        ConfigLoader.withVariables(Map.of()).parse("edge-lb.yaml", yaml),
                        new EdgeLbMain())
                    .await(20, TimeUnit.SECONDS))
        .hasMessageContaining("edge-lb.yaml")
        .hasMessageContaining("server.engine")
        .hasMessageContaining("vertx when h2c is on");
  }

  private String get(RunningInstance edge, String uri) throws Exception {
    return client
        .request(HttpMethod.GET, edge.httpPort(), "127.0.0.1", uri)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode() + " " + body))
        .await(10, TimeUnit.SECONDS);
  }

  private static Socket connect(RunningInstance edge) throws IOException {
    Socket socket = new Socket("127.0.0.1", edge.httpPort());
    socket.setSoTimeout(5000);
    return socket;
  }
}
