package dev.edgestack.runtime.process;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started deployable. {@link #close()} drains it: readiness turns DOWN at once, then after the
 * configured drain delay its servers stop accepting and finish in-flight requests within the
 * shutdown timeout, then its resources close.
 */
public final class RunningInstance {
  private static final Logger LOG = LoggerFactory.getLogger(RunningInstance.class);

  private final EdgeContext context;
  private final AtomicBoolean accepting;
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile HttpServer adminServer;
  private volatile Future<Void> closed;

  RunningInstance(EdgeContext context, AtomicBoolean accepting) {
    this.context = context;
    this.accepting = accepting;
  }

  void adminServer(HttpServer server) {
    this.adminServer = server;
  }

  public EdgeContext context() {
    return context;
  }

  public int adminPort() {
    return adminServer == null ? -1 : adminServer.actualPort();
  }

  /** The actual port of the first server the deployable registered for draining. */
  public int httpPort() {
    List<DrainableServer> servers = context.drainedServers();
    return servers.isEmpty() ? -1 : servers.get(0).actualPort();
  }

  /** The actual port of the second registered server: the HTTPS listener when one is configured. */
  public int httpsPort() {
    List<DrainableServer> servers = context.drainedServers();
    return servers.size() < 2 ? -1 : servers.get(1).actualPort();
  }

  /** Drains and closes; calling it again returns the same future. */
  public synchronized Future<Void> close() {
    if (closing.getAndSet(true)) {
      return closed;
    }
    accepting.set(false);
    var settings = context.settings();
    var vertx = context.vertx();
    LOG.info(
        "{} draining (delay {}, timeout {})",
        settings.instance(),
        settings.drainDelay(),
        settings.shutdownTimeout());
    Future<Void> delay =
        settings.drainDelay().isZero()
            ? Future.succeededFuture()
            : vertx.timer(settings.drainDelay().toMillis()).mapEmpty();
    // A context-free promise: listeners of futures bound to this Vert.x would never run once it
    // is closed, so the caller is told through a promise that completes on the closing thread.
    Promise<Void> stopped = Promise.promise();
    delay
        .compose(ignored -> drainServers())
        .compose(ignored -> closeResources())
        .compose(
            ignored ->
                adminServer == null
                    ? Future.<Void>succeededFuture()
                    : adminServer.close().otherwiseEmpty())
        .onComplete(
            ignored ->
                vertx
                    .close()
                    .onComplete(
                        result -> {
                          LOG.info("{} stopped", settings.instance());
                          stopped.complete();
                        }));
    closed = stopped.future();
    return closed;
  }

  private Future<Void> drainServers() {
    long timeoutMillis = context.settings().shutdownTimeout().toMillis();
    List<Future<Void>> shutdowns = new ArrayList<>();
    for (DrainableServer server : context.drainedServers()) {
      shutdowns.add(server.shutdown(timeoutMillis).otherwiseEmpty());
    }
    return Future.join(shutdowns).mapEmpty();
  }

  private Future<Void> closeResources() {
    List<Supplier<Future<?>>> closers = new ArrayList<>(context.closers());
    Collections.reverse(closers);
    Future<Void> chain = Future.succeededFuture();
    for (Supplier<Future<?>> closer : closers) {
      chain =
          chain.compose(
              ignored -> {
                try {
                  return closer.get().otherwiseEmpty().mapEmpty();
                } catch (RuntimeException e) {
                  LOG.warn("closing a resource failed", e);
                  return Future.succeededFuture();
                }
              });
    }
    return chain;
  }

  /** Closes and blocks the calling thread (never an event loop) until done or timed out. */
  public void closeAndWait() {
    CountDownLatch done = new CountDownLatch(1);
    close().onComplete(ignored -> done.countDown());
    var settings = context.settings();
    long limit = settings.drainDelay().toMillis() + settings.shutdownTimeout().toMillis() + 10_000;
    try {
      if (!done.await(limit, TimeUnit.MILLISECONDS)) {
        LOG.warn("{} did not stop within {} ms", settings.instance(), limit);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
