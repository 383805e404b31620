package dev.edgestack.runtime.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fails loudly when a Vert.x upgrade changes the internals the strict parsing hooks into: the
 * connection class, the decoder class and the pipeline names.
 */
class VertxHttp1PipelineTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void installsTheStrictDecoderAndHandlerWhereVertxPutsItsOwn() throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    CompletableFuture<Object> decoder = new CompletableFuture<>();
    HttpServerOptions options = EdgeListener.options(ListenerConfig.defaults());
    var server =
        vertx
            .createHttpServer(options)
            .connectionHandler(
                connection -> {
                  try {
                    assertThat(connection).isInstanceOf(Http1xServerConnection.class);
                    assertThat(
                            VertxHttp1Pipeline.install(
                                connection,
                                options,
                                ListenerConfig.defaults(),
                                EdgeRejections.of(new SimpleMeterRegistry())))
                        .isTrue();
                    var pipeline =
                        ((Http1xServerConnection) connection).channelHandlerContext().pipeline();
                    names.complete(pipeline.names());
                    decoder.complete(pipeline.get(VertxHttp1Pipeline.DECODER));
                  } catch (Throwable e) {
                    names.completeExceptionally(e);
                  }
                })
            .requestHandler(request -> request.response().end("ok"))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(15);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
    }
    List<String> pipeline = names.get(5, TimeUnit.SECONDS);
    assertThat(pipeline)
        .containsSubsequence(
            VertxHttp1Pipeline.DECODER,
            VertxHttp1Pipeline.STRICT,
            VertxHttp1Pipeline.VERTX_HANDLER);
    assertThat(decoder.get(5, TimeUnit.SECONDS))
        .isInstanceOf(VertxHttp1Pipeline.StrictRequestDecoder.class);
  }
}
