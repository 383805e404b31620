package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Choice;
import dev.edgestack.balancer.DnsMembership;
import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.Outcome;
import dev.edgestack.balancer.OutlierDetector;
import dev.edgestack.balancer.Pool;
import dev.edgestack.balancer.PoolConfig;
import dev.edgestack.balancer.RetryBudget;
import dev.edgestack.balancer.Ticker;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.http.ForwardedHeaders;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool bound to Vert.x: one keep-alive HTTP client, active health checks, outlier detection,
 * per-endpoint limits with an admission queue, retries within a budget and a deadline, and the two
 * ways the tiers use it — {@link #forward streaming proxying} and {@link #call buffered calls}.
 *
 * <p>An attempt that provably never reached its endpoint (connection refused, no connection in
 * time, queue) is retried on another endpoint within the configured attempts and the deadline. An
 * attempt that may have reached its endpoint is retried only when the pool allows idempotent
 * retries, the request is idempotent and bodiless, nothing of the answer was passed on, and the
 * retry budget has room.
 */
public final class UpstreamPool {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);
  private final Vertx vertx;
  private final Pool pool;
  private final PoolConfig config;
  private final HttpClient client;
  private final HealthChecker healthChecker;
  private final OutlierDetector outliers;
  private final RetryBudget budget;
  private final AdmissionQueue queue;
  private final OutcomeRecorder outcomes;
  private final PoolMeters meters;
  private final ForwardedHeaders forwarded;
  private final List<Long> timers = new ArrayList<>();
  private final DnsMembership dns;
  // "pool/host:port" per endpoint for the access log, built once rather than per attempt.
  private final Map<Endpoint, String> upstreamNames = new ConcurrentHashMap<>();

  private UpstreamPool(EdgeContext context, PoolConfig config) {
    this.vertx = context.vertx();
    this.config = config;
    this.pool = config.newPool(Ticker.system());
    this.outliers = OutlierDetector.attach(pool, config.outlierDetection(), Ticker.system());
    this.budget = new RetryBudget(config.retry().budgetRatio(), config.retry().budgetMinRetries());
    this.queue = new AdmissionQueue(vertx, config.limits());
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setMetricsName("upstream:" + config.name())
                .setKeepAlive(true)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                // The request's own idle timeout stops at the response head; this one also
                // ends a response body that stalls, and idle pooled connections.
                .setIdleTimeout((int) config.requestTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                // Whole seconds only; the idle timeout above closes a pooled connection first when
                // the request timeout is the shorter.
                .setKeepAliveTimeout(keepAliveSeconds(config.idleTimeout())),
            // The balancer admits at most this many requests per endpoint, so Vert.x's own wait
            // queue stays empty and every wait is the balancer's, visible and bounded.
            new PoolOptions().setHttp1MaxSize(config.limits().maxRequestsPerEndpoint()));
    this.healthChecker = new HealthChecker(vertx, pool, config.healthCheck());
    this.outcomes = new OutcomeRecorder(pool, context.registry());
    this.meters = new PoolMeters(pool, context.registry(), outliers, budget, queue);
    this.forwarded = context.forwarded();
    this.dns = new DnsMembership(config.endpoints());
  }

  /** Looks the endpoint names up off the event loop, then applies the changes on it. */
  private void resolve() {
    Set<String> names = dns.names();
    vertx
        .executeBlocking(() -> lookUp(names), false)
        .onSuccess(
            resolved -> {
              DnsMembership.Plan plan = dns.plan(resolved);
              // An address already present (written as an IP, or added by hand) stays as it is.
              plan.add().stream()
                  .filter(spec -> pool.endpoint(spec.address()).isEmpty())
                  .forEach(this::addEndpoint);
              plan.remove()
                  .forEach(address -> pool.endpoint(address).ifPresent(this::removeEndpoint));
              if (!plan.isEmpty()) {
                LOG.info(
                    "pool {}: DNS added {} and removed {}", pool.name(), plan.add(), plan.remove());
              }
            });
  }

  /** Vert.x's keep-alive timeout for {@code idle}: whole seconds, rounded up, at least one. */
  static int keepAliveSeconds(Duration idle) {
    long millis = idle.toMillis();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
  }

  private static Map<String, List<String>> lookUp(Set<String> names) {
    Map<String, List<String>> resolved = new HashMap<>();
    for (String name : names) {
      try {
        List<String> addresses = new ArrayList<>();
        for (InetAddress address : InetAddress.getAllByName(name)) {
          if (!addresses.contains(address.getHostAddress())) {
            addresses.add(address.getHostAddress());
          }
        }
        resolved.put(name, addresses);
      } catch (UnknownHostException e) {
        LOG.warn("DNS lookup of {} failed; its endpoints stay as they are", name);
      }
    }
    return resolved;
  }

  /** Builds the pool, starts its health checks and closes both when the instance shuts down. */
  public static UpstreamPool create(EdgeContext context, PoolConfig config) {
    UpstreamPool upstream = new UpstreamPool(context, config);
    upstream.start();
    context.closeOnShutdown(upstream::close);
    return upstream;
  }

  private void start() {
    healthChecker.start();
    if (config.dns().enabled() && !dns.names().isEmpty()) {
      resolve();
      timers.add(vertx.setPeriodic(config.dns().refresh().toMillis(), id -> resolve()));
    }
    if (config.slowStart().enabled()) {
      long every = Math.max(50, config.slowStart().window().toMillis() / 20);
      timers.add(vertx.setPeriodic(every, id -> pool.refresh()));
    }
    if (config.outlierDetection().enabled()) {
      long every =
          Math.max(
              10,
              Math.min(
                  config.outlierDetection().interval().toMillis(),
                  config.outlierDetection().baseEjectionTime().toMillis() / 10));
      timers.add(vertx.setPeriodic(every, id -> outliers.tick()));
    }
  }

  private Future<?> close() {
    timers.forEach(vertx::cancelTimer);
    queue.clear();
    return Future.join(healthChecker.stop(), client.close());
  }

  public String name() {
    return pool.name();
  }

  public Pool pool() {
    return pool;
  }

  public PoolConfig config() {
    return config;
  }

  public OutlierDetector outliers() {
    return outliers;
  }

  public RetryBudget retryBudget() {
    return budget;
  }

  /**
   * Adds an endpoint at run time: checked, measured and (when configured) slow-started like the
   * others. Fails if its address is already a member.
   */
  public Endpoint addEndpoint(dev.edgestack.balancer.EndpointSpec spec) {
    Endpoint endpoint = pool.add(spec, config.healthCheck().initiallyHealthy());
    meters.endpoint(endpoint);
    healthChecker.watch(endpoint);
    return endpoint;
  }

  /** Removes an endpoint at run time; its requests in flight finish. */
  public boolean removeEndpoint(Endpoint endpoint) {
    boolean removed = pool.remove(endpoint);
    if (removed) {
      healthChecker.unwatch(endpoint);
      outliers.forget(endpoint);
      meters.forget(endpoint);
      outcomes.forget(endpoint);
      upstreamNames.remove(endpoint);
    }
    return removed;
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
    return forward(exchange, uri, editHeaders, ForwardOptions.NONE, BodyRewrite.none());
  }

  /** Proxies like {@link #forward(Exchange, String, Consumer)}, rewriting the answer's body. */
  public Future<Void> forward(
      Exchange exchange, String uri, Consumer<MultiMap> editHeaders, BodyRewrite rewrite) {
    return forward(exchange, uri, editHeaders, ForwardOptions.NONE, rewrite);
  }

  /**
   * Like {@link #forward(Exchange, String, Consumer)}, within the caller's {@code limits}: when the
   * deadline passes, the attempt on the wire is reset, no retry follows and the result is an {@code
   * UPSTREAM_TIMEOUT}; when the streamed body crosses the cap, the attempt is reset and the result
   * is a {@code PAYLOAD_TOO_LARGE} (with {@code Connection: close} on HTTP/1, since the rest of the
   * body is left unread).
   */
  public Future<Void> forward(
      Exchange exchange, String uri, Consumer<MultiMap> editHeaders, ForwardOptions limits) {
    return forward(exchange, uri, editHeaders, limits, BodyRewrite.none());
  }

  /** Proxies within the caller's {@code limits}, rewriting the answer's body. */
  public Future<Void> forward(
      Exchange exchange,
      String uri,
      Consumer<MultiMap> editHeaders,
      ForwardOptions limits,
      BodyRewrite rewrite) {
    HttpServerRequest request = exchange.request();
    request.pause();
    // No headers here: each attempt copies the client's straight into its own request (relay),
    // instead of into a map that Vert.x would then copy again.
    RequestOptions options = new RequestOptions().setMethod(request.method()).setURI(uri);
    Flight flight =
        new Flight(
            exchange,
            options,
            ResponseWriter.hasBody(request),
            HashKeys.of(config.hash(), request),
            exchange.startNanos()
                + Math.min(
                    config.requestTimeout().toNanos(),
                    limits.timeout().orElse(config.requestTimeout()).toNanos()));
    flight.maxBodyBytes = limits.maxBodyBytes().orElse(-1);
    flight.editHeaders = editHeaders;
    Future<Void> result = run(flight, (out, attempt) -> relay(flight, out, attempt, rewrite));
    if (limits.timeout().isEmpty() || result.isComplete()) {
      return result;
    }
    long delay = Math.max(1, TimeUnit.NANOSECONDS.toMillis(flight.deadline - System.nanoTime()));
    long timer = vertx.setTimer(delay, id -> expire(flight));
    result.onComplete(done -> vertx.cancelTimer(timer));
    return result;
  }

  /** The caller's deadline passed: the attempt on the wire (if any) goes, and no other follows. */
  private void expire(Flight flight) {
    flight.expired = true;
    if (flight.current != null) {
      flight.current.reset(0, new TimeoutException("deadline passed"));
    }
  }

  /** Sends a request with the given headers and buffers the whole answer. */
  public Future<UpstreamResponse> call(
      Exchange exchange, HttpMethod method, String uri, MultiMap headers, Duration timeout) {
    MultiMap outgoing = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    decorate(exchange, outgoing);
    RequestOptions options =
        new RequestOptions().setMethod(method).setURI(uri).setHeaders(outgoing);
    long limit = Math.min(timeout.toNanos(), config.requestTimeout().toNanos());
    Flight flight =
        new Flight(
            exchange,
            options,
            false,
            HashKeys.of(config.hash(), exchange.request()),
            System.nanoTime() + limit);
    return run(
        flight,
        (out, attempt) ->
            out.send()
                .compose(
                    response -> {
                      if (retryOnStatus(flight, response.statusCode())) {
                        attempt.report(Outcome.SERVER_ERROR);
                        return response
                            .body()
                            .transform(ignored -> Future.failedFuture(new RetryStatus(response)));
                      }
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

  /** The debug header's name and value for this request, when the pool has it on. */
  private Optional<Map.Entry<String, String>> debugHeader(Flight flight) {
    return config.debugHeader().map(name -> Map.entry(name, debugValue(flight.decisions())));
  }

  private <T> Future<T> run(Flight flight, AttemptBody<T> body) {
    budget.requestStarted();
    Future<T> result = attempt(flight, body);
    // Registered first, so it runs before the caller's own handlers, as andThen would, without
    // another Future per request.
    result.onComplete(
        done -> {
          budget.requestFinished();
          for (int i = 0; i < flight.budgetedRetries; i++) {
            budget.retryFinished();
          }
        });
    return result;
  }

  private <T> Future<T> attempt(Flight flight, AttemptBody<T> body) {
    long remainingNanos = flight.deadline - System.nanoTime();
    if (remainingNanos <= 0) {
      return Future.failedFuture(
          flight.lastFailure != null
              ? flight.lastFailure
              : EdgeFailure.of(
                  FailureKind.UPSTREAM_TIMEOUT,
                  "Pool " + pool.name() + ": the request deadline passed before an answer"));
    }
    long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos));
    Admission admission = admit(flight);
    if (admission.endpoint == null) {
      if (admission.sawFull) {
        long queued = System.nanoTime();
        return queue
            .await(remainingMillis, admission.releasesSeen)
            .transform(
                woken -> {
                  meters.queueWait().record(System.nanoTime() - queued, TimeUnit.NANOSECONDS);
                  if (woken.succeeded()) {
                    return attempt(flight, body);
                  }
                  return Future.failedFuture(rejected(woken.cause(), flight.deadline));
                });
      }
      return Future.failedFuture(
          flight.lastFailure != null ? flight.lastFailure : noHealthyEndpoint());
    }
    Endpoint endpoint = admission.endpoint;
    flight.tried.add(endpoint);
    flight.attempts++;
    long poolTimeoutMillis = config.requestTimeout().toMillis();
    flight.idleBoundIsDeadline = remainingMillis < poolTimeoutMillis;
    long idle = Math.min(poolTimeoutMillis, remainingMillis);
    RequestOptions options = flight.options;
    options
        .setHost(endpoint.address().host())
        .setPort(endpoint.address().port())
        // Bounds only the wait for a pooled connection; the TCP connect has its own timeout.
        .setConnectTimeout(remainingMillis)
        .setIdleTimeout(idle);
    String upstreamName = upstreamNames.get(endpoint);
    if (upstreamName == null) {
      upstreamName = upstreamNames.computeIfAbsent(endpoint, e -> pool.name() + "/" + e.address());
    }
    flight.exchange.upstream(upstreamName);
    Attempt attempt = new Attempt(endpoint, System.nanoTime(), outcomes);
    return client
        .request(options)
        .transform(
            connected -> {
              if (connected.failed()) {
                release(endpoint);
                Outcome outcome = AttemptFailures.ofConnect(connected.cause());
                attempt.report(outcome);
                flight.lastFailure =
                    AttemptFailures.connectFailure(pool.name(), outcome, connected.cause());
                return retryOrFail(flight, body, outcome, true);
              }
              return body.run(connected.result(), attempt)
                  .transform(
                      done -> {
                        release(endpoint);
                        if (done.succeeded()) {
                          return Future.succeededFuture(done.result());
                        }
                        if (done.cause() instanceof RetryStatus retry) {
                          flight.lastFailure =
                              EdgeFailure.of(
                                  FailureKind.UNAVAILABLE,
                                  "Pool " + pool.name() + " answered " + retry.status);
                          meters.retry(String.valueOf(retry.status));
                          return attempt(flight, body);
                        }
                        // Both timers end at the deadline and either may run first; a retry
                        // after it would send the request once more for nobody (seen in
                        // GatewayResilienceTest: /hang reached both endpoints).
                        if (flight.expired
                            || flight.bodyTooLarge
                            || flight.idleBoundIsDeadline
                                && done.cause() instanceof TimeoutException) {
                          return cutShort(flight, attempt);
                        }
                        Outcome outcome = classifySent(flight, attempt, done.cause());
                        if (outcome == Outcome.CANCELLED || flight.responseStarted) {
                          return Future.failedFuture(flight.lastFailure);
                        }
                        return retryOrFail(flight, body, outcome, false);
                      });
            });
  }

  /** Ends a flight the gateway stopped itself (deadline, body cap): never retried. */
  private <T> Future<T> cutShort(Flight flight, Attempt attempt) {
    if (flight.bodyTooLarge) {
      // The endpoint was told nothing about itself: the client sent too much.
      attempt.report(Outcome.LOCAL_REJECTION);
      EdgeFailure failure =
          EdgeFailure.of(
              FailureKind.PAYLOAD_TOO_LARGE,
              "The request body is larger than this route's limit of "
                  + flight.maxBodyBytes
                  + " bytes");
      flight.lastFailure =
          flight.exchange.request().version() == HttpVersion.HTTP_2
              ? failure
              : failure.withHeader("Connection", "close");
    } else {
      attempt.report(Outcome.TIMEOUT);
      flight.lastFailure =
          EdgeFailure.of(
              FailureKind.UPSTREAM_TIMEOUT,
              "Pool " + pool.name() + " did not answer within the route's deadline");
    }
    return Future.failedFuture(flight.lastFailure);
  }

  private <T> Future<T> retryOrFail(
      Flight flight, AttemptBody<T> body, Outcome outcome, boolean neverSent) {
    boolean allowed =
        flight.attempts < config.retry().attempts()
            && !flight.exchange.aborted()
            && (neverSent && outcome.neverReachedEndpoint()
                || config.retry().retriesOn(outcome) && mayRetrySent(flight) && takeBudget(flight));
    if (!allowed) {
      return Future.failedFuture(flight.lastFailure);
    }
    meters.retry(ConfigNode.spelling(outcome));
    return attempt(flight, body);
  }

  private boolean mayRetrySent(Flight flight) {
    return config.retry().mayRetrySent(flight.options.getMethod().name(), flight.hasBody);
  }

  private boolean takeBudget(Flight flight) {
    if (budget.tryStartRetry()) {
      flight.budgetedRetries++;
      return true;
    }
    return false;
  }

  /** Whether an answer with {@code status} is dropped and the request tried elsewhere. */
  private boolean retryOnStatus(Flight flight, int status) {
    return config.retry().retriesOnStatus(status)
        && flight.attempts < config.retry().attempts()
        && flight.deadline - System.nanoTime() > 0
        && mayRetrySent(flight)
        && !flight.exchange.aborted()
        && pool.hasUsableOutside(flight.tried)
        && takeBudget(flight);
  }

  private Admission admit(Flight flight) {
    return admit(
        flight.tried,
        flight.hash,
        config.debugHeader().isPresent() ? flight.decisions() : null,
        new Admission());
  }

  /**
   * The strategy's pick among endpoints outside {@code tried} that has room for one more request,
   * counted in flight; {@code decisions}, when given, collects why each candidate was chosen. The
   * answer is written to {@code into}, which the caller may reuse from one call to the next.
   */
  Admission admit(Set<Endpoint> tried, long hash, List<String> decisions, Admission into) {
    pickWithRoom(tried, hash, decisions, into);
    if (into.endpoint == null && into.sawFull) {
      // A slot freed after the pick but before the caller waits would wake nobody: count the
      // releases from here and pick once more; the queue lets a wait begun after a release go on.
      into.releasesSeen = queue.releases();
      pickWithRoom(tried, hash, decisions, into);
      into.sawFull = true;
    }
    return into;
  }

  private void pickWithRoom(
      Set<Endpoint> tried, long hash, List<String> decisions, Admission into) {
    int limit = config.limits().maxRequestsPerEndpoint();
    Set<Endpoint> skip = tried;
    boolean copied = false;
    boolean sawFull = false;
    while (true) {
      Endpoint endpoint;
      if (decisions != null) {
        Choice choice = pool.explain(skip, hash);
        endpoint = choice.endpoint();
        decisions.add(choice.reason());
      } else {
        endpoint = pool.pick(skip, hash);
      }
      if (endpoint == null || endpoint.tryStart(limit)) {
        into.endpoint = endpoint;
        into.sawFull = sawFull;
        return;
      }
      sawFull = true;
      if (!copied) {
        skip = new HashSet<>(skip);
        copied = true;
      }
      skip.add(endpoint);
    }
  }

  void release(Endpoint endpoint) {
    endpoint.finished();
    queue.wakeOne();
  }

  /**
   * For connections relayed at L4 ({@link TcpProxy}): an endpoint outside {@code tried} with room
   * for one more, counted in flight until {@link #releaseConnection}; null when none has room.
   */
  Endpoint admitConnection(Set<Endpoint> tried, long hash) {
    return admit(tried, hash, null, new Admission()).endpoint;
  }

  void releaseConnection(Endpoint endpoint) {
    release(endpoint);
  }

  void reportConnection(Endpoint endpoint, Outcome outcome, long startNanos) {
    outcomes.report(endpoint, outcome, startNanos);
  }

  private Outcome classifySent(Flight flight, Attempt attempt, Throwable cause) {
    Outcome outcome = AttemptFailures.ofSent(cause, flight.exchange.aborted());
    flight.lastFailure = AttemptFailures.sentFailure(pool.name(), outcome, cause);
    attempt.report(outcome);
    return outcome;
  }

  /**
   * Sends the request head and body, then streams the response back to the client. Neither pipe
   * ends its destination when its source fails: a body cut short must reach the other side as cut
   * short (a reset), never as a complete shorter one.
   */
  private Future<Void> relay(
      Flight flight, HttpClientRequest out, Attempt attempt, BodyRewrite rewrite) {
    Exchange exchange = flight.exchange;
    HttpServerRequest request = exchange.request();
    MultiMap headers = out.headers();
    HopByHopHeaders.copyEndToEnd(request.headers(), headers);
    // The client's Host names this tier; the request names the endpoint it goes to.
    headers.remove("Host");
    decorate(exchange, headers);
    flight.editHeaders.accept(headers);
    exchange.onAbort(() -> out.reset());
    // Every failure of the attempt reaches out.response() or the piped body, where it is
    // classified; without a handler Vert.x would also log each reset (a client leaving) at ERROR.
    out.exceptionHandler(
        failure -> LOG.debug("{}: upstream request ended: {}", exchange.requestId(), failure));
    flight.current = out;
    if (flight.expired) {
      out.reset();
      return Future.failedFuture(new TimeoutException("deadline passed"));
    }
    if (flight.hasBody) {
      if (request.getHeader("Content-Length") == null) {
        out.setChunked(true);
      }
      ReadStream<Buffer> body =
          flight.maxBodyBytes < 0
              ? request
              : new LimitedBody(request, flight.maxBodyBytes, () -> flight.bodyTooLarge = true);
      body.pipe().endOnFailure(false).to(out).onFailure(failure -> out.reset(0, failure));
    } else {
      request.resume();
      out.end();
    }
    return out.response()
        .compose(
            upstream -> {
              if (retryOnStatus(flight, upstream.statusCode())) {
                attempt.report(Outcome.SERVER_ERROR);
                return upstream
                    .body()
                    .transform(ignored -> Future.failedFuture(new RetryStatus(upstream)));
              }
              attempt.report(upstream.statusCode() >= 500 ? Outcome.SERVER_ERROR : Outcome.SUCCESS);
              flight.responseStarted = true;
              return ResponseWriter.write(
                  flight.exchange, upstream, forwarded, debugHeader(flight), rewrite);
            });
  }

  /** What one attempt does with its request: relay it, or send it and buffer the answer. */
  @FunctionalInterface
  private interface AttemptBody<T> {
    Future<T> run(HttpClientRequest out, Attempt attempt);
  }

  /**
   * What {@link #admit} found: the endpoint counted in flight (null when none had room), whether
   * one was passed over for being full, and then the queue's release count before the last pick,
   * for {@link AdmissionQueue#await}. Mutable so that a relay's client connection keeps one instead
   * of making one per attempt; used on one thread at a time.
   */
  static final class Admission {
    private Endpoint endpoint;
    private boolean sawFull;
    private long releasesSeen;

    Endpoint endpoint() {
      return endpoint;
    }

    boolean sawFull() {
      return sawFull;
    }

    long releasesSeen() {
      return releasesSeen;
    }
  }

  // What the byte-level HTTP/1.1 relay (Http1Relay) shares with forward(): the same admission,
  // queue, outcomes, budget and meters, so both listeners balance, limit and report alike.

  /** Counts a failed wait in the admission queue and says why the request was refused. */
  EdgeFailure rejected(Throwable failedWait, long deadlineNanos) {
    AdmissionQueue.Rejection reason = ((AdmissionQueue.RejectedException) failedWait).reason;
    meters.rejected(reason);
    // The wait lasts until the queue timeout or the request's deadline, whichever comes first;
    // the deadline's end is a timeout (504), as it would be anywhere else in the request.
    if (reason == AdmissionQueue.Rejection.QUEUE_TIMEOUT
        && deadlineNanos - System.nanoTime() < TimeUnit.MILLISECONDS.toNanos(1)) {
      return EdgeFailure.of(
          FailureKind.UPSTREAM_TIMEOUT,
          "Pool " + pool.name() + ": the request deadline passed while waiting for room");
    }
    return EdgeFailure.of(
        FailureKind.UNAVAILABLE,
        "Pool "
            + pool.name()
            + " is at its limit ("
            + (reason == AdmissionQueue.Rejection.QUEUE_FULL
                ? "queue full"
                : "no room within the queue timeout")
            + ")");
  }

  EdgeFailure noHealthyEndpoint() {
    return EdgeFailure.of(
        FailureKind.NO_HEALTHY_ENDPOINT,
        "No healthy endpoint in pool "
            + pool.name()
            + (pool.panicking() ? " (panic: " + pool.panicConfig().mode() + ")" : ""));
  }

  AdmissionQueue queue() {
    return queue;
  }

  OutcomeRecorder outcomes() {
    return outcomes;
  }

  PoolMeters meters() {
    return meters;
  }

  /** The debug header's value for a request whose admissions said {@code decisions}. */
  String debugValue(List<String> decisions) {
    return pool.name()
        + ": "
        + ConfigNode.spelling(config.strategy())
        + "; "
        + String.join("; ", decisions);
  }
}
