package dev.edgestack.samples;

import io.vertx.ext.web.Router;

/** The HTTP API of one sample service; {@link ServiceServer} adds what every service shares. */
interface ServiceRoutes {
  /** Adds this service's routes; handlers throw {@code EdgeFailure}s for error answers. */
  void mount(Router router);
}
