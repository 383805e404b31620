package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.Outcome;
import dev.edgestack.balancer.TcpListenerConfig;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L4 mode of a balancer: each accepted TCP connection is relayed, bytes unchanged, to one
 * endpoint of the listener's pool, with the same strategies, slow start, health checks and outlier
 * detection as HTTP pools. A refused or timed-out connect is retried on another endpoint (nothing
 * was sent yet) up to the pool's {@code retry.attempts}; once connected, both directions are piped
 * with back-pressure and either side closing or failing closes the other. On shutdown the listener
 * stops accepting and open connections get the instance's shutdown timeout to finish.
 */
public final class TcpProxy {
  private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);

  private final TcpListenerConfig listener;
  private final UpstreamPool upstream;
  private final NetClient client;

  private TcpProxy(EdgeContext context, TcpListenerConfig listener, UpstreamPool upstream) {
    this.listener = listener;
    this.upstream = upstream;
    this.client =
        context
            .vertx()
            .createNetClient(
                new NetClientOptions()
                    .setConnectTimeout((int) upstream.config().connectTimeout().toMillis())
                    .setIdleTimeout((int) listener.idleTimeout().toMillis())
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                    .setTcpNoDelay(true));
  }

  /** Listens on the instance's host and the listener's port; the pool must be listener's own. */
  public static Future<NetServer> start(
      EdgeContext context, TcpListenerConfig listener, UpstreamPool upstream) {
    TcpProxy proxy = new TcpProxy(context, listener, upstream);
    long shutdownMillis = context.settings().shutdownTimeout().toMillis();
    return context
        .vertx()
        .createNetServer(
            new NetServerOptions()
                .setIdleTimeout((int) listener.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setTcpNoDelay(true))
        .connectHandler(proxy::accept)
        .listen(listener.port(), context.settings().host())
        .recover(
            failure ->
                Future.failedFuture(
                    new IllegalStateException(
                        "tcp listener "
                            + listener.name()
                            + ": cannot listen on port "
                            + listener.port()
                            + " ("
                            + failure.getMessage()
                            + ")",
                        failure)))
        .onSuccess(
            server -> {
              LOG.info(
                  "tcp listener {} on port {} over pool {}",
                  listener.name(),
                  server.actualPort(),
                  upstream.name());
              context.closeOnShutdown(
                  () ->
                      Future.join(
                          server.shutdown(shutdownMillis, TimeUnit.MILLISECONDS).otherwiseEmpty(),
                          proxy.client.close()));
            });
  }

  private void accept(NetSocket downstream) {
    downstream.pause();
    AtomicBoolean gone = new AtomicBoolean();
    downstream.closeHandler(ignored -> gone.set(true));
    long hash = HashKeys.ofClientAddress(downstream.remoteAddress().hostAddress());
    connect(downstream, gone, new HashSet<>(), hash);
  }

  private void connect(NetSocket downstream, AtomicBoolean gone, Set<Endpoint> tried, long hash) {
    Endpoint endpoint = upstream.admitConnection(tried, hash);
    if (endpoint == null) {
      LOG.debug(
          "tcp listener {}: no usable endpoint for {}",
          listener.name(),
          downstream.remoteAddress());
      downstream.close();
      return;
    }
    tried.add(endpoint);
    long started = System.nanoTime();
    client
        .connect(endpoint.address().port(), endpoint.address().host())
        .onComplete(
            connected -> {
              if (connected.failed()) {
                upstream.releaseConnection(endpoint);
                upstream.reportConnection(
                    endpoint, AttemptFailures.ofConnect(connected.cause()), started);
                if (!gone.get()
                    && tried.size() < upstream.config().retry().attempts()
                    && upstream.pool().hasUsableOutside(tried)) {
                  connect(downstream, gone, tried, hash);
                } else {
                  downstream.close();
                }
                return;
              }
              NetSocket backend = connected.result();
              upstream.reportConnection(endpoint, Outcome.SUCCESS, started);
              relay(downstream, backend, endpoint, gone);
            });
  }

  private void relay(
      NetSocket downstream, NetSocket backend, Endpoint endpoint, AtomicBoolean gone) {
    AtomicBoolean released = new AtomicBoolean();
    Runnable closeBoth =
        () -> {
          if (released.compareAndSet(false, true)) {
            upstream.releaseConnection(endpoint);
          }
          downstream.close();
          backend.close();
        };
    downstream.closeHandler(ignored -> closeBoth.run());
    backend.closeHandler(ignored -> closeBoth.run());
    downstream.exceptionHandler(failure -> closeBoth.run());
    backend.exceptionHandler(failure -> closeBoth.run());
    if (gone.get()) {
      closeBoth.run();
      return;
    }
    // Vert.x sockets cannot half-close: the end of either direction ends the connection.
    downstream.pipe().endOnFailure(true).to(backend);
    backend.pipe().endOnFailure(true).to(downstream);
  }
}
