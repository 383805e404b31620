package dev.edgestack.samples;

import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import dev.edgestack.runtime.http.AccessLog;
import dev.edgestack.runtime.process.EdgeContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code /admin/faults} on the admin port: {@code GET} shows the current faults, {@code PUT} with a
 * JSON body such as {@code {"latencyMs": 200, "errorRate": 0.5, "errorStatus": 503, "resetRate":
 * 0.1, "hang": false}} replaces them (absent fields mean no such fault), {@code DELETE} clears
 * them. Each answers the faults now in force.
 */
final class FaultAdmin {
  static final String PATH = "/admin/faults";
  private static final int BODY_LIMIT = 4 * 1024;

  private FaultAdmin() {}

  static void mount(EdgeContext context, FaultInjector injector) {
    Router admin = context.adminRouter();
    // Logged like any request, but not counted with the traffic the dashboards show.
    AccessLog accessLog = new AccessLog(context.instance());
    admin
        .route(PATH)
        .handler(Routing.begin(accessLog))
        .failureHandler(Routing.failureHandler(context.failures(), accessLog));
    admin.get(PATH).handler(ctx -> answer(ctx, injector));
    admin
        .put(PATH)
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(
            ctx -> {
              Faults faults;
              try {
                faults = Faults.fromJson(Routing.jsonBody(ctx));
              } catch (IllegalArgumentException e) {
                throw EdgeFailure.of(FailureKind.BAD_REQUEST, e.getMessage());
              }
              injector.set(faults);
              answer(ctx, injector);
            });
    admin
        .delete(PATH)
        .handler(
            ctx -> {
              injector.set(Faults.NONE);
              answer(ctx, injector);
            });
    admin
        .route(PATH)
        .handler(
            ctx -> {
              throw EdgeFailure.of(
                      FailureKind.METHOD_NOT_ALLOWED, PATH + " takes GET, PUT and DELETE")
                  .withHeader("Allow", "GET, PUT, DELETE");
            });
  }

  private static void answer(RoutingContext ctx, FaultInjector injector) {
    ctx.response().putHeader("Cache-Control", "no-store");
    Routing.json(ctx, injector.current().toJson());
  }
}
