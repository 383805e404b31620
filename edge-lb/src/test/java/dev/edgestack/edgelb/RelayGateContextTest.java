package dev.edgestack.edgelb;

import static dev.edgestack.runtime.testing.RawHttp.readResponse;
import static dev.edgestack.runtime.testing.RawHttp.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.balancer.vertx.RelayRoute;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay runs its gate in a Vert.x context of the connection's event loop: one per loop, made
 * once, so that gate code (timers, store answers, promises) stays on that loop and makes no context
 * per request; a decision completed on another thread still goes on there, in that context.
 */
class RelayGateContextTest {
  private final Vertx vertx = Vertx.vertx();
  // What each step saw, in order: its current context and its thread.
  private final List<Context> contexts = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private HttpServer backend;
  private RunningInstance edge;

  @BeforeEach
  void start() throws Exception {
    backend =
        vertx
            .createHttpServer()
            .requestHandler(request -> request.response().end("at " + request.path()))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    edge =
        GatedRelay.start(
            "context-test",
            "",
            backend.actualPort(),
            (context, pool) ->
                request -> {
                  seen();
                  Promise<RelayRoute> decision = Promise.promise();
                  RelayRoute route =
                      RelayRoute.to(pool).withCompletion((status, failure, nanos) -> seen());
                  if (request.path().equals("/timer")) {
                    context
                        .vertx()
                        .setTimer(
                            1,
                            id -> {
                              seen();
                              decision.complete(route);
                            });
                  } else {
                    // As a Hazelcast partition thread or a key fetch would answer.
                    new Thread(() -> decision.complete(route), "foreign-decider").start();
                  }
                  return decision.future();
                });
  }

  private void seen() {
    contexts.add(Vertx.currentContext());
    threads.add(Thread.currentThread());
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
  void gateCodeRunsInOneContextOfTheConnectionsLoopAndTimersComeBackToIt() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", edge.httpPort())) {
      socket.setSoTimeout(5000);
      for (int i = 0; i < 2; i++) {
        send(socket, "GET /timer HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ").endsWith("at /timer");
      }
    }
    // Per request: the decision, the timer, the completion (told after the response went out).
    await().atMost(5, TimeUnit.SECONDS).until(() -> threads.size() == 6);
    assertThat(contexts).hasSize(6);
    Context loopContext = contexts.get(0);
    assertThat(loopContext).as("a context in the gate").isNotNull();
    assertThat(loopContext.isEventLoopContext()).isTrue();
    assertThat(contexts).as("the same one at every step").allMatch(seen -> seen == loopContext);
    assertThat(threads)
        .as("all on the connection's event loop")
        .allMatch(seen -> seen == threads.get(0));
  }

  @Test
  void aDecisionCompletedOnAnotherThreadGoesOnInTheLoopsContext() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", edge.httpPort())) {
      socket.setSoTimeout(5000);
      for (int i = 0; i < 2; i++) {
        send(socket, "GET /foreign HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ").endsWith("at /foreign");
      }
    }
    // Per request: the decision and the completion (told after the response went out).
    await().atMost(5, TimeUnit.SECONDS).until(() -> threads.size() == 4);
    assertThat(contexts).hasSize(4);
    assertThat(contexts.get(0)).isNotNull();
    assertThat(contexts).allMatch(seen -> seen == contexts.get(0));
    assertThat(threads).allMatch(seen -> seen == threads.get(0));
  }
}
