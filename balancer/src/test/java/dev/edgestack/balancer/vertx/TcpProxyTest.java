package dev.edgestack.balancer.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.edgestack.balancer.TcpListenerConfig;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The L4 listener against real TCP backends that echo, name themselves, hang up or refuse. */
class TcpProxyTest {
  private Vertx backends;
  private RunningInstance proxy;
  private int port;

  @BeforeEach
  void startBackends() {
    backends = Vertx.vertx();
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      if (proxy != null) {
        proxy.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    } finally {
      backends.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private int backend(Consumer<NetSocket> handler) throws Exception {
    NetServer server =
        backends
            .createNetServer()
            .connectHandler(handler::accept)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private static void echo(NetSocket socket) {
    socket.pipeTo(socket);
  }

  private static Consumer<NetSocket> naming(String name) {
    return socket -> socket.write(name + "\n");
  }

  private static int refusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void startProxy(String listenerYaml) throws Exception {
    String yaml =
        """
        instance: {name: l4-test}
        server: {host: 127.0.0.1, port: 0}
        admin: {port: 0}
        tcp:
          - %s
        """
            .formatted(listenerYaml.strip().indent(4).strip());
    var config = ConfigLoader.withVariables(Map.of()).parse("test.yaml", yaml);
    CompletableFuture<Integer> bound = new CompletableFuture<>();
    proxy =
        EdgeProcess.start(
                "edge-lb",
                config,
                context -> {
                  TcpListenerConfig listener =
                      TcpListenerConfig.listFrom(context.config(), "tcp").get(0);
                  UpstreamPool pool = UpstreamPool.create(context, listener.pool());
                  return TcpProxy.start(context, listener, pool)
                      .onSuccess(server -> bound.complete(server.actualPort()))
                      .mapEmpty();
                })
            .toCompletionStage()
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    port = bound.get(5, TimeUnit.SECONDS);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5_000);
    return socket;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  private double count(String name, String... tags) {
    return proxy.context().registry().find(name).tags(tags).timers().stream()
        .mapToDouble(t -> t.count())
        .sum();
  }

  @Test
  void relaysEightMebibytesBothWaysUnchanged() throws Exception {
    startProxy(
        "{name: echo, port: 0, pool: {endpoints: \"127.0.0.1:%d\", healthCheck: {enabled: false}}}"
            .formatted(backend(TcpProxyTest::echo)));
    byte[] sent = new byte[8 << 20];
    new Random(7).nextBytes(sent);

    try (Socket socket = connect()) {
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  OutputStream out = socket.getOutputStream();
                  out.write(sent);
                  out.flush();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      byte[] received = socket.getInputStream().readNBytes(sent.length);
      writing.get(10, TimeUnit.SECONDS);

      assertThat(received.length).isEqualTo(sent.length);
      assertThat(Arrays.equals(received, sent)).as("the bytes came back unchanged").isTrue();
    }
  }

  @Test
  void spreadsConnectionsAndRetriesARefusedConnectOnAnotherEndpoint() throws Exception {
    int refused = refusedPort();
    startProxy(
        ("{name: named, port: 0, pool: {strategy: round-robin, endpoints:"
                + " \"127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d\", healthCheck: {enabled: false},"
                + " retry: {attempts: 3}}}")
            .formatted(refused, backend(naming("a")), backend(naming("b"))));

    List<String> names = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      try (Socket socket = connect()) {
        names.add(readLine(socket.getInputStream()));
      }
    }

    assertThat(names).containsOnly("a", "b").contains("a", "b");
    assertThat(count("edge_upstream_requests", "outcome", "connect_failure")).isPositive();
    assertThat(count("edge_upstream_requests", "outcome", "success")).isEqualTo(6);
  }

  @Test
  void aBackendThatHangsUpHangsUpTheClient() throws Exception {
    startProxy(
        "{name: rude, port: 0, pool: {endpoints: \"127.0.0.1:%d\", healthCheck: {enabled: false}}}"
            .formatted(
                backend(socket -> socket.write("bye\n").onComplete(done -> socket.close()))));

    try (Socket socket = connect()) {
      InputStream in = socket.getInputStream();
      assertThat(readLine(in)).isEqualTo("bye");
      assertThat(in.read()).as("end of stream").isEqualTo(-1);
    }
  }

  @Test
  void aClientThatLeavesClosesTheBackendConnection() throws Exception {
    AtomicInteger closed = new AtomicInteger();
    AtomicInteger open = new AtomicInteger();
    startProxy(
        "{name: watched, port: 0, pool: {endpoints: \"127.0.0.1:%d\", healthCheck: {enabled: false}}}"
            .formatted(
                backend(
                    socket -> {
                      open.incrementAndGet();
                      socket.closeHandler(ignored -> closed.incrementAndGet());
                      socket.write("hi\n");
                    })));

    try (Socket socket = connect()) {
      assertThat(readLine(socket.getInputStream())).isEqualTo("hi");
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() == 1);
    assertThat(open.get()).isEqualTo(1);
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    startProxy(
        ("{name: idle, port: 0, idleTimeout: 300ms, pool: {endpoints: \"127.0.0.1:%d\","
                + " healthCheck: {enabled: false}}}")
            .formatted(backend(TcpProxyTest::echo)));

    try (Socket socket = connect()) {
      long started = System.nanoTime();
      assertThat(socket.getInputStream().read()).as("closed, nothing sent").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isBetween(Duration.ofMillis(250), Duration.ofSeconds(4));
    }
  }

  @Test
  void aListenerWithoutAnyLiveEndpointClosesTheConnection() throws Exception {
    startProxy(
        ("{name: dead, port: 0, pool: {endpoints: \"127.0.0.1:%d\", healthCheck: {enabled: false},"
                + " retry: {attempts: 2}}}")
            .formatted(refusedPort()));

    try (Socket socket = connect()) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void listenerConfigNamesTheKeyThatIsWrong() {
    var config =
        ConfigLoader.withVariables(Map.of())
            .parse(
                "edge.yaml",
                "tcp:\n  - {name: a, port: 7000, pool: {endpoints: \"127.0.0.1:1\"}}\n"
                    + "  - {name: b, port: 7000, pool: {endpoints: \"127.0.0.1:2\"}}\n");
    assertThatThrownBy(() -> TcpListenerConfig.listFrom(config, "tcp"))
        .hasMessageContaining("edge.yaml")
        .hasMessageContaining("tcp[1].port")
        .hasMessageContaining("a port no other listener has");
  }
}
