package dev.edgestack.edgelb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The edge-lb deployable starts its {@code tcp:} listeners next to its HTTP listener. */
class EdgeTcpModeTest {

  @Test
  void aTcpListenerInTheConfigRelaysConnectionsAndItsPoolIsListed() throws Exception {
    Vertx vertx = Vertx.vertx();
    RunningInstance edge = null;
    try {
      int backend =
          vertx
              .createNetServer()
              .connectHandler(socket -> socket.write("from-backend\n"))
              .listen(0, "127.0.0.1")
              .await(10, TimeUnit.SECONDS)
              .actualPort();
      int tcpPort;
      try (ServerSocket free = new ServerSocket(0)) {
        tcpPort = free.getLocalPort();
      }
      String yaml =
          """
          instance: {name: edge-tcp-test}
          server: {port: 0}
          admin: {port: 0}
          pool: {name: gateways, endpoints: "127.0.0.1:1", healthCheck: {enabled: false}}
          tcp:
            - {name: raw, port: %d, pool: {endpoints: "127.0.0.1:%d", healthCheck: {type: tcp}}}
          """
              .formatted(tcpPort, backend);
      var config = ConfigLoader.withVariables(Map.of()).parse("edge-lb.yaml", yaml);
      edge = EdgeProcess.start("edge-lb", config, new EdgeLbMain()).await(20, TimeUnit.SECONDS);

      try (Socket socket = new Socket("127.0.0.1", tcpPort)) {
        socket.setSoTimeout(5_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
          line.write(b);
        }
        assertThat(line.toString(StandardCharsets.UTF_8)).isEqualTo("from-backend");
      }
      String pools =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + edge.adminPort() + "/admin/pools"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(pools).contains("\"raw\"").contains("127.0.0.1:" + backend);
    } finally {
      if (edge != null) {
        edge.close().await(20, TimeUnit.SECONDS);
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
