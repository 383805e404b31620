package dev.edgestack.samples;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.failure.FailureResponder;
import dev.edgestack.runtime.http.AccessLog;
import dev.edgestack.runtime.http.Exchange;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/** What every route of the sample services shares: the exchange, JSON answers and failures. */
final class Routing {
  static final String SERVED_BY = "X-Served-By";
  static final String AUTH_SUBJECT = "X-Auth-Subject";
  private static final String EXCHANGE = "edge.exchange";

  private Routing() {}

  /** The first handler: begins the exchange (request id, trace, access log). */
  static Handler<RoutingContext> begin(AccessLog accessLog) {
    return ctx -> {
      ctx.put(EXCHANGE, Exchange.begin(ctx.request(), accessLog));
      ctx.next();
    };
  }

  /** Like {@link #begin(AccessLog)}, and names the replica on every answer, failures included. */
  static Handler<RoutingContext> begin(AccessLog accessLog, String instance) {
    Handler<RoutingContext> begin = begin(accessLog);
    return ctx -> {
      ctx.response().putHeader(SERVED_BY, instance);
      begin.handle(ctx);
    };
  }

  static Exchange exchange(RoutingContext ctx, AccessLog accessLog) {
    Exchange exchange = ctx.get(EXCHANGE);
    return exchange != null ? exchange : Exchange.begin(ctx.request(), accessLog);
  }

  /** Answers every failed route through the one failure responder. */
  static Handler<RoutingContext> failureHandler(FailureResponder failures, AccessLog accessLog) {
    return ctx -> {
      Throwable failure = ctx.failure();
      Throwable error;
      if (failure == null) {
        error = byStatus(ctx.statusCode());
      } else if (failure instanceof HttpException http) {
        error = byStatus(http.getStatusCode());
      } else {
        error = failure;
      }
      failures.respond(exchange(ctx, accessLog), error);
    };
  }

  private static EdgeFailure byStatus(int status) {
    return switch (status) {
      case 400 -> EdgeFailure.of(FailureKind.BAD_REQUEST, "The request is malformed");
      case 404 -> EdgeFailure.of(FailureKind.NO_ROUTE, "No route for this path");
      case 405 -> EdgeFailure.of(FailureKind.METHOD_NOT_ALLOWED, "Method not allowed here");
      case 413 -> EdgeFailure.of(FailureKind.PAYLOAD_TOO_LARGE, "The request body is too large");
      default -> EdgeFailure.of(FailureKind.INTERNAL, "Unexpected status " + status);
    };
  }

  /** Fails a request for an unknown path or method. */
  static void noRoute(RoutingContext ctx) {
    ctx.fail(
        EdgeFailure.of(
            FailureKind.NO_ROUTE,
            "No route for " + ctx.request().method() + " " + ctx.normalizedPath()));
  }

  /**
   * The subject the gateway authenticated, from {@code X-Auth-Subject}; without it the caller did
   * not come through an authenticating gateway.
   */
  static String subject(RoutingContext ctx) {
    String subject = ctx.request().getHeader(AUTH_SUBJECT);
    if (subject == null || subject.isBlank()) {
      throw EdgeFailure.of(
              FailureKind.UNAUTHENTICATED,
              "No authenticated subject (" + AUTH_SUBJECT + " is set by the gateway)")
          .withHeader("WWW-Authenticate", "Bearer realm=\"edge-stack\"");
    }
    return subject.trim();
  }

  /**
   * The request body as a JSON object; an empty body is an empty object. Anything else is a 400
   * naming what was expected.
   */
  static JsonObject jsonBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    Object parsed;
    try {
      parsed = body.toJsonValue();
    } catch (DecodeException e) {
      throw EdgeFailure.of(
          FailureKind.BAD_REQUEST, "The body is not valid JSON (expected: an object)");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw EdgeFailure.of(FailureKind.BAD_REQUEST, "The body is not a JSON object");
    }
    return object;
  }

  static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.toBuffer());
  }
}
