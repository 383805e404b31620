package dev.edgestack.gateway;

import dev.edgestack.balancer.vertx.BodyRewrite;
import dev.edgestack.balancer.vertx.ForwardOptions;
import dev.edgestack.gateway.auth.Authenticator;
import dev.edgestack.gateway.auth.Authorizer;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.compose.Composer;
import dev.edgestack.gateway.config.RouteRules;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.ratelimit.RateLimitHeaders;
import dev.edgestack.gateway.ratelimit.RateLimitKeys;
import dev.edgestack.gateway.ratelimit.RateLimiter;
import dev.edgestack.gateway.route.Cors;
import dev.edgestack.gateway.route.Forwarder;
import dev.edgestack.gateway.route.RequestView;
import dev.edgestack.gateway.route.RouteMetrics;
import dev.edgestack.gateway.route.RouteTable;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Function;

/**
 * The gateway's request pipeline, assembled in {@link #handle} in reading order: begin the
 * exchange, match the route, strip client-sent identity headers, arrange the route's response
 * header edits and CORS headers, answer a CORS preflight right there, or else reject a declared
 * body over the route's limit, authenticate, authorize, rate limit, edit the request headers, then
 * proxy (to one upstream or one side of a split) or compose; finally count the request by route and
 * status class. Each step returns a Future; any failure is answered by the runtime's one failure
 * responder.
 */
final class GatewayPipeline {
  private final EdgeContext context;
  // Swapped whole by a config reload; a request reads it once, so it keeps the table it began with.
  private volatile RouteTable routes;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final RateLimiter rateLimiter;
  private final Forwarder forwarder;
  private final Composer composer;
  private final RouteMetrics metrics;

  GatewayPipeline(
      EdgeContext context,
      RouteTable routes,
      Authenticator authenticator,
      Authorizer authorizer,
      RateLimiter rateLimiter,
      Forwarder forwarder,
      Composer composer,
      RouteMetrics metrics) {
    this.context = context;
    this.routes = routes;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.rateLimiter = rateLimiter;
    this.forwarder = forwarder;
    this.composer = composer;
    this.metrics = metrics;
  }

  /** Serves the next requests with {@code table} (a reload); requests in flight are unaffected. */
  void replaceRoutes(RouteTable table) {
    routes = table;
  }

  void handle(HttpServerRequest request) {
    Exchange exchange = Exchange.begin(request, context.accessLog());
    // The body stays unread until the proxy streams it: every step below may be asynchronous.
    request.pause();
    Future<GatewayRequest> matched =
        then(
            routes.match(RequestView.of(request)),
            match ->
                Future.succeededFuture(
                    editResponseHeaders(
                        stripIdentityHeaders(GatewayRequest.matched(exchange, match)))));
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
    Future<GatewayRequest> checked = BodyLimit.check(request);
    checked = then(checked, this::authenticate);
    checked = then(checked, this::authorize);
    checked = then(checked, this::rateLimit);
    return then(checked, admitted -> proxyOrCompose(editRequestHeaders(admitted)));
  }

  /**
   * {@code previous.compose(next)}, but a step that is already done (a cached token, a match, a
   * local rate-limit decision) goes on at once, without the futures and dispatch of a composition.
   */
  private static <T, U> Future<U> then(Future<T> previous, Function<T, Future<U>> next) {
    if (!previous.succeeded()) {
      return previous.compose(next);
    }
    try {
      return next.apply(previous.result());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** {@code previous.map(next)}, applied at once when {@code previous} is already done. */
  private static <T, U> Future<U> map(Future<T> previous, Function<T, U> next) {
    return then(previous, result -> Future.succeededFuture(next.apply(result)));
  }

  private GatewayRequest stripIdentityHeaders(GatewayRequest request) {
    IdentityHeaders.strip(request.request().headers());
    return request;
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

  /** After authentication and rate limiting, which see the client's own headers. */
  private GatewayRequest editRequestHeaders(GatewayRequest request) {
    request.route().rules().requestHeaders().apply(request.request().headers());
    return request;
  }

  private Future<GatewayRequest> authenticate(GatewayRequest request) {
    return map(
        authenticator.authenticate(request.route(), request.request()), request::withIdentity);
  }

  private Future<GatewayRequest> authorize(GatewayRequest request) {
    return map(authorizer.authorize(request.route(), request.identity()), request::withIdentity);
  }

  private Future<GatewayRequest> rateLimit(GatewayRequest request) {
    if (request.route().rateLimits().isEmpty()) {
      return Future.succeededFuture(request);
    }
    return map(
        rateLimiter.admit(
            request.route().rateLimits(),
            key ->
                RateLimitKeys.of(
                    key,
                    () -> context.forwarded().clientAddress(request.request()),
                    request.identity(),
                    request.route().id(),
                    request.request().headers())),
        request::withLimits);
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
    if (target instanceof RouteTarget.Split split) {
      return forwarder.forward(
          request.exchange(),
          split,
          request.match().variables(),
          request.identity(),
          new ForwardOptions(split.timeout(), request.route().maxBodyBytes()),
          rewrite);
    }
    RouteTarget.Proxy proxy = (RouteTarget.Proxy) target;
    return forwarder.forward(
        request.exchange(),
        proxy,
        request.match().variables(),
        request.identity(),
        new ForwardOptions(proxy.timeout(), request.route().maxBodyBytes()),
        rewrite);
  }

  private void fail(Exchange exchange, Throwable error) {
    context.failures().respond(exchange, error);
    // Drain whatever body the client sent, so the connection can serve its next request.
    if (!exchange.request().isEnded()) {
      exchange.request().resume();
    }
  }
}
