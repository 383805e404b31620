package dev.edgestack.edgelb;

import static dev.edgestack.runtime.testing.RawHttp.readResponse;
import static dev.edgestack.runtime.testing.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.balancer.vertx.RelayRoute;
import dev.edgestack.balancer.vertx.UpstreamPool;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the relay does when its gate misbehaves. It reuses a connection's request object for its
 * next request: a gate decision that arrives after its request was answered (503 once the idle
 * timeout passed) must reach that request, never the next one. A gate that throws is a 500, and the
 * connection goes on.
 */
class RelayLateDecisionTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<String> backendSaw = new CopyOnWriteArrayList<>();
  private final AtomicReference<Promise<RelayRoute>> undecided = new AtomicReference<>();
  private final AtomicReference<UpstreamPool> pool = new AtomicReference<>();
  private final CompletableFuture<Integer> lateCompletion = new CompletableFuture<>();
  private final CompletableFuture<Void> slowArrived = new CompletableFuture<>();
  private HttpServer backend;
  private RunningInstance edge;

  @BeforeEach
  void start() throws Exception {
    backend =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  backendSaw.add(request.path());
                  if (request.path().equals("/slow")) {
                    slowArrived.complete(null);
                    vertx.setTimer(300, id -> request.response().end("slow done"));
                  } else {
                    request.response().end("at " + request.path());
                  }
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    edge =
        GatedRelay.start(
            "late-test",
            ", idleTimeout: 300ms",
            backend.actualPort(),
            (context, made) -> {
              pool.set(made);
              return request -> {
                if (request.path().equals("/throws")) {
                  throw new IllegalStateException("a bug in the gate");
                }
                if (request.path().equals("/late")) {
                  Promise<RelayRoute> decision = Promise.promise();
                  undecided.set(decision);
                  return decision.future();
                }
                return Future.succeededFuture(RelayRoute.to(made));
              };
            });
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (edge != null) {
        edge.close().await(20, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDecisionThatComesAfterItsRequestWasAnsweredNeverReachesTheNextRequest() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", edge.httpPort())) {
      socket.setSoTimeout(5000);
      send(socket, "GET /late HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket))
          .as("no decision within the idle timeout")
          .startsWith("HTTP/1.1 503 ");

      send(socket, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      slowArrived.get(5, TimeUnit.SECONDS);
      // The first request's decision arrives now, while the next one waits for its answer.
      undecided
          .get()
          .complete(
              RelayRoute.to(pool.get())
                  .withCompletion((status, failure, nanos) -> lateCompletion.complete(status)));
      assertThat(lateCompletion.get(5, TimeUnit.SECONDS))
          .as("the late decision is told its request's answer")
          .isEqualTo(503);
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ").endsWith("slow done");

      send(socket, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ").endsWith("at /after");
    }
    assertThat(backendSaw).containsExactly("/slow", "/after");
  }

  @Test
  void aGateThatThrowsIsAnswered500AndTheConnectionServesTheNextRequest() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", edge.httpPort())) {
      socket.setSoTimeout(5000);
      send(socket, "GET /throws HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 500 ");

      send(socket, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ").endsWith("at /after");
    }
    assertThat(backendSaw).containsExactly("/after");
  }
}
