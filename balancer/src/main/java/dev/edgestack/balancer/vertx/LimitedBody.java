package dev.edgestack.balancer.vertx;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body that counts the bytes it passes on: the chunk that would cross {@code limit} is
 * not passed on, the source is paused and the stream fails instead, so that a pipe stops and the
 * caller can answer 413.
 */
final class LimitedBody implements ReadStream<Buffer> {
  /** The failure a pipe sees when the body crossed its limit. */
  static final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long limit) {
      super(
          "The request body is larger than this route's limit of " + limit + " bytes",
          null,
          false,
          false);
    }
  }

  private final ReadStream<Buffer> source;
  private final long limit;
  private final Runnable onExceeded;
  private long seen;
  private boolean exceeded;
  private Handler<Throwable> exceptionHandler;

  LimitedBody(ReadStream<Buffer> source, long limit, Runnable onExceeded) {
    this.source = source;
    this.limit = limit;
    this.onExceeded = onExceeded;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    if (handler == null) {
      source.handler(null);
      return this;
    }
    source.handler(
        chunk -> {
          if (exceeded) {
            return;
          }
          seen += chunk.length();
          if (seen <= limit) {
            handler.handle(chunk);
            return;
          }
          exceeded = true;
          source.pause();
          onExceeded.run();
          if (exceptionHandler != null) {
            exceptionHandler.handle(new TooLargeException(limit));
          }
        });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    if (!exceeded) {
      source.resume();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (!exceeded) {
      source.fetch(amount);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    source.endHandler(handler);
    return this;
  }
}
