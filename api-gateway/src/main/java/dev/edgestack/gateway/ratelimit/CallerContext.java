package dev.edgestack.gateway.ratelimit;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The Vert.x context that a store call started on this thread continues on. The relay's handlers
 * run on Vert.x event loops without a current context, where {@link Vertx#getOrCreateContext()}
 * makes a new one at every call (and {@code setTimer} another): on such a loop the context is made
 * once and kept for the thread, so that gathering, timers and answers all stay on the caller's loop
 * at no cost per call.
 */
final class CallerContext {
  private static final ThreadLocal<Context> MADE_FOR_LOOP = new ThreadLocal<>();

  private CallerContext() {}

  /**
   * The current context; on an event loop of {@code vertx} without one, the context made for that
   * loop; null on any other thread.
   */
  static Context of(Vertx vertx) {
    Context current = Vertx.currentContext();
    if (current != null || !Context.isOnEventLoopThread()) {
      return current;
    }
    Context made = MADE_FOR_LOOP.get();
    if (made == null || made.owner() != vertx) {
      // Made on an event loop, a context runs its tasks on that same loop.
      made = vertx.getOrCreateContext();
      MADE_FOR_LOOP.set(made);
    }
    return made;
  }
}
