package dev.edgestack.runtime.process;

import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.failure.FailureResponder;
import dev.edgestack.runtime.http.AccessLog;
import dev.edgestack.runtime.http.ForwardedHeaders;
import dev.edgestack.runtime.http.ServerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** What a deployable gets from the runtime: config, Vert.x, metrics, health, logging, shutdown. */
public final class EdgeContext {
  private final String role;
  private final Vertx vertx;
  private final ConfigNode config;
  private final RuntimeSettings settings;
  private final PrometheusMeterRegistry registry;
  private final HealthChecks readiness;
  private final Router adminRouter;
  private final AccessLog accessLog;
  private final FailureResponder failures;
  private final ForwardedHeaders forwarded;
  private final List<DrainableServer> drained = new ArrayList<>();
  private final List<Supplier<Future<?>>> closers = new ArrayList<>();

  EdgeContext(
      String role,
      Vertx vertx,
      ConfigNode config,
      RuntimeSettings settings,
      PrometheusMeterRegistry registry,
      HealthChecks readiness,
      Router adminRouter) {
    this.role = role;
    this.vertx = vertx;
    this.config = config;
    this.settings = settings;
    this.registry = registry;
    this.readiness = readiness;
    this.adminRouter = adminRouter;
    this.accessLog = new AccessLog(settings.instance(), ServerMetrics.of(registry));
    this.failures = new FailureResponder(registry);
    this.forwarded = new ForwardedHeaders(settings.trustedProxies(), settings.instance());
  }

  public String role() {
    return role;
  }

  public String instance() {
    return settings.instance();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The whole file, top level; {@link RuntimeSettings#KEYS} are already read. */
  public ConfigNode config() {
    return config;
  }

  public RuntimeSettings settings() {
    return settings;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Register checks here that must be UP before the instance takes traffic. */
  public HealthChecks readiness() {
    return readiness;
  }

  /** The admin port's router, for deployable-specific admin endpoints. */
  public Router adminRouter() {
    return adminRouter;
  }

  public AccessLog accessLog() {
    return accessLog;
  }

  public FailureResponder failures() {
    return failures;
  }

  public ForwardedHeaders forwarded() {
    return forwarded;
  }

  /** On shutdown the server stops accepting and in-flight requests may finish. */
  public void drainOnShutdown(HttpServer server) {
    drainOnShutdown(DrainableServer.of(server));
  }

  /** On shutdown the server stops accepting and in-flight requests may finish. */
  public void drainOnShutdown(DrainableServer server) {
    synchronized (drained) {
      drained.add(server);
    }
  }

  /** Run after draining, in reverse order of registration. */
  public void closeOnShutdown(Supplier<Future<?>> closer) {
    synchronized (closers) {
      closers.add(closer);
    }
  }

  List<DrainableServer> drainedServers() {
    synchronized (drained) {
      return List.copyOf(drained);
    }
  }

  List<Supplier<Future<?>>> closers() {
    synchronized (closers) {
      return List.copyOf(closers);
    }
  }
}
