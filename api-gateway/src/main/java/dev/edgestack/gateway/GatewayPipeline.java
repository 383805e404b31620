package dev.edgestack.gateway;

import dev.edgestack.gateway.auth.Authenticator;
import dev.edgestack.gateway.auth.Authorizer;
import dev.edgestack.gateway.auth.IdentityHeaders;
import dev.edgestack.gateway.compose.Composer;
import dev.edgestack.gateway.config.RouteTarget;
import dev.edgestack.gateway.ratelimit.RateLimitHeaders;
import dev.edgestack.gateway.ratelimit.RateLimitKeys;
import dev.edgestack.gateway.ratelimit.RateLimiter;
import dev.edgestack.gateway.route.Forwarder;
import dev.edgestack.gateway.route.RouteTable;
import dev.edgestack.runtime.http.Exchange;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/**
 * The gateway's request pipeline, assembled in {@link #handle} in reading order: begin the
 * exchange, match the route, strip client-sent identity headers, reject a declared body over the
 * route's limit, authenticate, authorize, rate limit, then proxy or compose. Each step returns a
 * Future; any failure is answered by the runtime's one failure responder.
 */
final class GatewayPipeline {
  private final EdgeContext context;
  private final RouteTable routes;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final RateLimiter rateLimiter;
  private final Forwarder forwarder;
  private final Composer composer;

  GatewayPipeline(
      EdgeContext context,
      RouteTable routes,
      Authenticator authenticator,
      Authorizer authorizer,
      RateLimiter rateLimiter,
      Forwarder forwarder,
      Composer composer) {
    this.context = context;
    this.routes = routes;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.rateLimiter = rateLimiter;
    this.forwarder = forwarder;
    this.composer = composer;
  }

  void handle(HttpServerRequest request) {
    Exchange exchange = Exchange.begin(request, context.accessLog());
    // The body stays unread until the proxy streams it: every step below is asynchronous.
    request.pause();
    routes
        .match(request.method(), request.path())
        .map(match -> GatewayRequest.matched(exchange, match))
        .map(this::stripIdentityHeaders)
        .compose(BodyLimit::check)
        .compose(this::authenticate)
        .compose(this::authorize)
        .compose(this::rateLimit)
        .compose(this::proxyOrCompose)
        .onFailure(error -> fail(exchange, error));
  }

  private GatewayRequest stripIdentityHeaders(GatewayRequest request) {
    IdentityHeaders.strip(request.request().headers());
    return request;
  }

  private Future<GatewayRequest> authenticate(GatewayRequest request) {
    return authenticator
        .authenticate(request.route(), request.request())
        .map(request::withIdentity);
  }

  private Future<GatewayRequest> authorize(GatewayRequest request) {
    return authorizer.authorize(request.route(), request.identity()).map(request::withIdentity);
  }

  private Future<GatewayRequest> rateLimit(GatewayRequest request) {
    if (request.route().rateLimits().isEmpty()) {
      return Future.succeededFuture(request);
    }
    String clientAddress = context.forwarded().clientAddress(request.request());
    return rateLimiter
        .admit(
            request.route().rateLimits(),
            key ->
                RateLimitKeys.of(
                    key,
                    clientAddress,
                    request.identity(),
                    request.route().id(),
                    request.request().headers()))
        .map(request::withLimits);
  }

  private Future<Void> proxyOrCompose(GatewayRequest request) {
    RateLimitHeaders.apply(request.limits(), request.request().response().headers());
    RouteTarget target = request.route().target();
    if (target instanceof RouteTarget.Compose compose) {
      return composer.compose(
          request.exchange(), compose, request.match().variables(), request.identity());
    }
    return forwarder.forward(
        request.exchange(),
        (RouteTarget.Proxy) target,
        request.match().variables(),
        request.identity());
  }

  private void fail(Exchange exchange, Throwable error) {
    context.failures().respond(exchange, error);
    // Drain whatever body the client sent, so the connection can serve its next request.
    if (!exchange.request().isEnded()) {
      exchange.request().resume();
    }
  }
}
