package dev.edgestack.runtime.process;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;

/**
 * A listener the instance drains on shutdown: it stops accepting, lets requests in flight finish
 * within the timeout, then closes what is left.
 */
public interface DrainableServer {
  int actualPort();

  Future<Void> shutdown(long timeoutMillis);

  /** A Vert.x HTTP server, whose own shutdown drains that way. */
  static DrainableServer of(HttpServer server) {
    return new DrainableServer() {
      @Override
      public int actualPort() {
        return server.actualPort();
      }

      @Override
      public Future<Void> shutdown(long timeoutMillis) {
        return server.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
      }
    };
  }
}
