package dev.edgestack.samples;

import dev.edgestack.runtime.process.EdgeContext;
import dev.edgestack.runtime.process.RuntimeSettings;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP port of a sample service, assembled in reading order: begin the exchange and name the
 * replica, read the (small) body, inject faults, route, answer failures as problems.
 */
final class ServiceServer {
  private static final int BODY_LIMIT = 16 * 1024;
  // Bounds every connection, hung ones included, when neither side closes it.
  private static final int IDLE_TIMEOUT_SECONDS = 60;

  private ServiceServer() {}

  static Future<HttpServer> start(EdgeContext context, FaultInjector faults, ServiceRoutes api) {
    Router router = Router.router(context.vertx());
    router.route().handler(Routing.begin(context.accessLog(), context.instance()));
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.route().handler(faults);
    api.mount(router);
    router.route().last().handler(Routing::noRoute);
    router.route().failureHandler(Routing.failureHandler(context.failures(), context.accessLog()));

    RuntimeSettings settings = context.settings();
    HttpServerOptions options =
        new HttpServerOptions()
            .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    return context
        .vertx()
        .createHttpServer(options)
        .requestHandler(router)
        .listen(settings.port(), settings.host())
        .onSuccess(context::drainOnShutdown);
  }
}
