package dev.edgestack.gateway;

import dev.edgestack.balancer.vertx.BodyRewrite;
import dev.edgestack.balancer.vertx.ForwardOptions;
import dev.edgestack.gateway.compose.Composer;
import dev.edgestack.gateway.config.RouteConfig;
import dev.edgestack.gateway.config.RouteRules;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.ratelimit.RateLimitHeaders;
import dev.edgestack.gateway.route.Cors;
import dev.edgestack.gateway.route.Forwarder;
import dev.edgestack.gateway.route.RequestView;
import dev.edgestack.gateway.route.RouteMetrics;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The gateway's request pipeline on the Vert.x HTTP server, assembled in {@link #handle} in reading
 * order: begin the exchange, match the route and strip client-sent identity headers ({@link
 * GatewaySteps#match}), arrange the route's response header edits and CORS headers, answer a CORS
 * preflight right there, or else admit the request ({@link GatewaySteps#admit}: body limit,
 * authenticate, authorize, rate limit, edit the request headers), then proxy (to one upstream or
 * one side of a split) or compose; finally count the request by route and status class. Each step
 * returns a Future; any failure is answered by the runtime's one failure responder.
 */
final class GatewayPipeline {
  private final EdgeContext context;
  private final GatewaySteps steps;
  private final Forwarder forwarder;
  private final Composer composer;
  private final RouteMetrics metrics;

  GatewayPipeline(
      EdgeContext context,
      GatewaySteps steps,
      Forwarder forwarder,
      Composer composer,
      RouteMetrics metrics) {
    this.context = context;
    this.steps = steps;
    this.forwarder = forwarder;
    this.composer = composer;
    this.metrics = metrics;
  }

  void handle(HttpServerRequest request) {
    Exchange exchange = Exchange.begin(request, context.accessLog());
    // The body stays unread until the proxy streams it: every step below may be asynchronous.
    request.pause();
    Future<GatewayRequest> matched =
        map(
            steps.match(RequestView.of(request, context.forwarded())),
            match -> editResponseHeaders(GatewayRequest.matched(exchange, match)));
    Future<Void> answered =
        then(
            matched,
            matchedRequest ->
                matchedRequest.match().preflight()
                    ? Cors.answerPreflight(exchange, matchedRequest.route().rules().cors().get())
                    : checkAndForward(matchedRequest));
    answered.onComplete(
        done -> {
          if (done.failed()) {
            fail(exchange, done.cause());
          }
          metrics.record(
              matched.succeeded() ? matched.result().route().id() : RouteMetrics.UNMATCHED,
              exchange);
        });
  }

  private Future<Void> checkAndForward(GatewayRequest request) {
    HttpServerRequest client = request.request();
    Future<GatewaySteps.Admission> admitted =
        steps.admit(
            request.route(),
            client.headers(),
            client.query(),
            () -> context.forwarded().clientAddress(client),
            client.version() != HttpVersion.HTTP_2);
    return then(admitted, admission -> proxyOrCompose(request.admitted(admission)));
  }

  private static <T, U> Future<U> then(Future<T> previous, Function<T, Future<U>> next) {
    return GatewaySteps.then(previous, next);
  }

  /** {@code previous.map(next)}, applied at once when {@code previous} is already done. */
  private static <T, U> Future<U> map(Future<T> previous, Function<T, U> next) {
    return then(previous, result -> Future.succeededFuture(next.apply(result)));
  }

  /**
   * CORS headers go on every answer of a CORS route, the gateway's own problems included; the
   * route's response header edits only on answers from upstreams. Both are applied as the head is
   * written, whichever step writes it.
   */
  private GatewayRequest editResponseHeaders(GatewayRequest request) {
    RouteRules rules = request.route().rules();
    if (rules.cors().isEmpty() && rules.responseHeaders().isEmpty()) {
      return request;
    }
    HttpServerResponse response = request.request().response();
    response.headersEndHandler(
        ignored -> {
          if (request.exchange().failure() == null) {
            rules.responseHeaders().apply(response.headers());
          }
          rules
              .cors()
              .ifPresent(cors -> Cors.decorate(cors, request.request(), response.headers()));
        });
    return request;
  }

  private Future<Void> proxyOrCompose(GatewayRequest request) {
    if (!request.limits().isEmpty()) {
      RateLimitHeaders.apply(request.limits(), request.request().response().headers());
    }
    RouteTarget target = request.route().target();
    if (target instanceof RouteTarget.Compose compose) {
      return composer.compose(
          request.exchange(),
          request.route().id(),
          compose,
          request.match().variables(),
          request.identity());
    }
    BodyRewrite rewrite =
        request
            .route()
            .rules()
            .responseJson()
            .map(BodyRewrite.class::cast)
            .orElse(BodyRewrite.none());
    ForwardOptions options = forwardOptions(request.route());
    if (options.maxBodyBytes().isEmpty() && request.request().version() == HttpVersion.HTTP_2) {
      // HTTP/1 bodies are counted as they are parsed; an HTTP/2 body without a declared length
      // only here, as it streams upstream.
      options =
          new ForwardOptions(
              options.timeout(), OptionalLong.of(context.settings().listener().maxBodyBytes()));
    }
    return forwarder.forward(
        request.exchange(),
        request.route(),
        request.match().variables(),
        request.identity(),
        options,
        rewrite);
  }

  /** The route's deadline and body cap on top of the pool's own. */
  static ForwardOptions forwardOptions(RouteConfig route) {
    Optional<Duration> timeout =
        route.target() instanceof RouteTarget.Split split
            ? split.timeout()
            : ((RouteTarget.Proxy) route.target()).timeout();
    return new ForwardOptions(timeout, route.maxBodyBytes());
  }

  private void fail(Exchange exchange, Throwable error) {
    context.failures().respond(exchange, error);
    // Drain whatever body the client sent, so the connection can serve its next request.
    if (!exchange.request().isEnded()) {
      exchange.request().resume();
    }
  }
}
