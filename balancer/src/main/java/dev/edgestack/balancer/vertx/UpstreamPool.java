package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.Outcome;
import dev.edgestack.balancer.Pool;
import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.http.ForwardedHeaders;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A pool bound to Vert.x: one keep-alive HTTP client, active health checks, and the two ways the
 * tiers use it — {@link #forward streaming proxying} and {@link #call buffered calls}.
 *
 * <p>An attempt whose connection could not be made provably never reached the endpoint, so it is
 * retried on another endpoint, up to the configured attempts. Once a request was sent it is never
 * retried here.
 */
public final class UpstreamPool {
  private final Pool pool;
  private final PoolConfig config;
  private final HttpClient client;
  private final HealthChecker healthChecker;
  private final OutcomeRecorder outcomes;
  private final ForwardedHeaders forwarded;

  private UpstreamPool(EdgeContext context, PoolConfig config) {
    this.config = config;
    List<Endpoint> endpoints = new ArrayList<>();
    config
        .endpoints()
        .forEach(
            address ->
                endpoints.add(new Endpoint(address, 1, config.healthCheck().initiallyHealthy())));
    this.pool = new Pool(config.name(), config.strategy().strategy(), endpoints);
    this.client =
        context
            .vertx()
            .createHttpClient(
                new HttpClientOptions()
                    .setMetricsName("upstream:" + config.name())
                    .setKeepAlive(true)
                    .setConnectTimeout((int) config.connectTimeout().toMillis())
                    // The request's own idle timeout stops at the response head; this one also
                    // ends a response body that stalls, and idle pooled connections.
                    .setIdleTimeout((int) config.requestTimeout().toMillis())
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS),
                new PoolOptions().setHttp1MaxSize(64));
    this.healthChecker =
        new HealthChecker(context.vertx(), pool, config.healthCheck(), client, context.registry());
    this.outcomes = new OutcomeRecorder(config.name(), context.registry());
    this.forwarded = context.forwarded();
  }

  /** Builds the pool, starts its health checks and closes both when the instance shuts down. */
  public static UpstreamPool create(EdgeContext context, PoolConfig config) {
    UpstreamPool upstream = new UpstreamPool(context, config);
    upstream.healthChecker.start();
    context.closeOnShutdown(
        () -> {
          upstream.healthChecker.stop();
          return upstream.client.close();
        });
    return upstream;
  }

  public String name() {
    return pool.name();
  }

  public Pool pool() {
    return pool;
  }

  public boolean hasUsableEndpoint() {
    return pool.usableCount() > 0;
  }

  /**
   * Proxies the server request (the caller has paused it if it did anything asynchronous first) and
   * writes the upstream's response. Fails with an {@link EdgeFailure} when no response could be
   * relayed; if the response had started, the caller's failure answer closes the connection.
   */
  public Future<Void> forward(Exchange exchange, String uri, Consumer<MultiMap> editHeaders) {
    HttpServerRequest request = exchange.request();
    request.pause();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    HopByHopHeaders.copyEndToEnd(request.headers(), headers);
    headers.remove("Host");
    decorate(exchange, headers);
    editHeaders.accept(headers);
    RequestOptions options =
        new RequestOptions()
            .setMethod(request.method())
            .setURI(uri)
            .setHeaders(headers)
            .setIdleTimeout(config.requestTimeout().toMillis());
    return attempt(
        exchange, options, new HashSet<>(), (out, attempt) -> relay(exchange, out, attempt));
  }

  /** Sends a request with the given headers and buffers the whole answer. */
  public Future<UpstreamResponse> call(
      Exchange exchange, HttpMethod method, String uri, MultiMap headers, Duration timeout) {
    MultiMap outgoing = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    decorate(exchange, outgoing);
    long idle = Math.min(timeout.toMillis(), config.requestTimeout().toMillis());
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setURI(uri)
            .setHeaders(outgoing)
            .setIdleTimeout(idle);
    return attempt(
        exchange,
        options,
        new HashSet<>(),
        (out, attempt) ->
            out.send()
                .compose(
                    response -> {
                      attempt.report(
                          response.statusCode() >= 500 ? Outcome.SERVER_ERROR : Outcome.SUCCESS);
                      return response
                          .body()
                          .map(
                              body ->
                                  new UpstreamResponse(
                                      response.statusCode(), response.headers(), body));
                    }));
  }

  private void decorate(Exchange exchange, MultiMap headers) {
    forwarded.applyToRequest(exchange.request(), headers);
    headers.set(Exchange.REQUEST_ID, exchange.requestId());
    headers.set(Exchange.TRACEPARENT, exchange.trace().traceparent());
  }

  private <T> Future<T> attempt(
      Exchange exchange, RequestOptions options, Set<Endpoint> tried, AttemptBody<T> body) {
    Endpoint endpoint = pool.pick(tried);
    if (endpoint == null) {
      return Future.failedFuture(
          tried.isEmpty()
              ? EdgeFailure.of(
                  FailureKind.NO_HEALTHY_ENDPOINT, "No healthy endpoint in pool " + pool.name())
              : EdgeFailure.of(
                  FailureKind.CONNECT_FAILED,
                  "Could not connect to any endpoint of pool " + pool.name()));
    }
    tried.add(endpoint);
    options
        .setHost(endpoint.address().host())
        .setPort(endpoint.address().port())
        .setConnectTimeout(config.connectTimeout().toMillis());
    exchange.upstream(pool.name() + "/" + endpoint.address());
    Attempt attempt = new Attempt(endpoint, System.nanoTime());
    endpoint.started();
    return client
        .request(options)
        .transform(
            connected -> {
              if (connected.failed()) {
                endpoint.finished();
                attempt.report(Outcome.CONNECT_FAILURE);
                if (tried.size() < config.attempts()) {
                  return attempt(exchange, options, tried, body);
                }
                return Future.failedFuture(
                    EdgeFailure.of(
                        FailureKind.CONNECT_FAILED,
                        "Could not connect to pool " + pool.name(),
                        connected.cause()));
              }
              return body.run(connected.result(), attempt)
                  .transform(
                      done -> {
                        endpoint.finished();
                        return done.failed()
                            ? Future.failedFuture(classifySent(exchange, attempt, done.cause()))
                            : Future.succeededFuture(done.result());
                      });
            });
  }

  private Throwable classifySent(Exchange exchange, Attempt attempt, Throwable cause) {
    if (exchange.aborted()) {
      attempt.report(Outcome.CANCELLED);
      return EdgeFailure.of(FailureKind.CLIENT_CLOSED, "The client went away", cause);
    }
    if (cause instanceof EdgeFailure) {
      return cause;
    }
    if (cause instanceof TimeoutException) {
      attempt.report(Outcome.TIMEOUT);
      return EdgeFailure.of(
          FailureKind.UPSTREAM_TIMEOUT, "Pool " + pool.name() + " did not answer in time");
    }
    attempt.report(Outcome.RESET);
    return EdgeFailure.of(
        FailureKind.UPSTREAM_RESET, "Pool " + pool.name() + " closed the connection", cause);
  }

  /**
   * Sends the request head and body, then streams the response back to the client. Neither pipe
   * ends its destination when its source fails: a body cut short must reach the other side as cut
   * short (a reset), never as a complete shorter one.
   */
  private Future<Void> relay(Exchange exchange, HttpClientRequest out, Attempt attempt) {
    HttpServerRequest request = exchange.request();
    exchange.onAbort(() -> out.reset());
    if (hasBody(request)) {
      if (request.getHeader("Content-Length") == null) {
        out.setChunked(true);
      }
      request.pipe().endOnFailure(false).to(out).onFailure(failure -> out.reset(0, failure));
    } else {
      request.resume();
      out.end();
    }
    return out.response()
        .compose(
            upstream -> {
              attempt.report(upstream.statusCode() >= 500 ? Outcome.SERVER_ERROR : Outcome.SUCCESS);
              return writeResponse(exchange, upstream);
            });
  }

  private Future<Void> writeResponse(Exchange exchange, HttpClientResponse upstream) {
    HttpServerResponse response = exchange.request().response();
    response.setStatusCode(upstream.statusCode());
    response.setStatusMessage(upstream.statusMessage());
    HopByHopHeaders.copyEndToEnd(upstream.headers(), response.headers());
    // Every tier echoes the id: set, not add, or the client sees it once per tier.
    response.headers().set(Exchange.REQUEST_ID, exchange.requestId());
    forwarded.applyToResponse(upstream.version(), response.headers());
    boolean bodyless =
        exchange.request().method() == HttpMethod.HEAD
            || upstream.statusCode() == 204
            || upstream.statusCode() == 304;
    if (!bodyless && upstream.getHeader("Content-Length") == null) {
      response.setChunked(exchange.request().version() != HttpVersion.HTTP_1_0);
    }
    return upstream.pipe().endOnFailure(false).to(response);
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length != null) {
      return !length.trim().equals("0");
    }
    return request.getHeader("Transfer-Encoding") != null
        || (request.version() == HttpVersion.HTTP_2 && !request.isEnded());
  }

  @FunctionalInterface
  private interface AttemptBody<T> {
    Future<T> run(HttpClientRequest out, Attempt attempt);
  }

  /** One try on one endpoint; reports its outcome once. */
  private final class Attempt {
    private final Endpoint endpoint;
    private final long startNanos;
    private boolean reported;

    Attempt(Endpoint endpoint, long startNanos) {
      this.endpoint = endpoint;
      this.startNanos = startNanos;
    }

    void report(Outcome outcome) {
      if (!reported) {
        reported = true;
        outcomes.report(endpoint, outcome, startNanos);
      }
    }
  }
}
