package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Store calls continue on the caller's loop, and a bare event loop gets one context, not many. */
class CallerContextTest {
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBareEventLoopGetsOneContextThatRunsOnThatLoop() throws Exception {
    EventLoop loop = ((VertxInternal) vertx).nettyEventLoopGroup().next();
    CompletableFuture<Context[]> made = new CompletableFuture<>();
    loop.execute(
        () -> {
          assertThat(Vertx.currentContext()).as("as in the relay's handlers").isNull();
          made.complete(new Context[] {CallerContext.of(vertx), CallerContext.of(vertx)});
        });
    Context[] contexts = made.get(5, TimeUnit.SECONDS);
    assertThat(contexts[0]).isNotNull().isSameAs(contexts[1]);

    CompletableFuture<Boolean> onTheLoop = new CompletableFuture<>();
    contexts[0].runOnContext(ignored -> onTheLoop.complete(loop.inEventLoop()));
    assertThat(onTheLoop.get(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aContextIsItsOwnCallerContextAndOtherThreadsHaveNone() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Context> seen = new CompletableFuture<>();
    context.runOnContext(ignored -> seen.complete(CallerContext.of(vertx)));
    assertThat(seen.get(5, TimeUnit.SECONDS)).isSameAs(context);
    assertThat(CallerContext.of(vertx)).as("the test's own thread").isNull();
  }
}
