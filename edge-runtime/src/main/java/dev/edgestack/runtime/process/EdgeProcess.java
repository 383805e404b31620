package dev.edgestack.runtime.process;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a deployable as a process: loads and validates its config, builds Vert.x with Prometheus
 * metrics, serves the admin endpoints, starts the deployable and drains it on SIGTERM.
 */
public final class EdgeProcess {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeProcess.class);

  private EdgeProcess() {}

  /**
   * The {@code main} of every deployable: {@code java -jar X.jar --config FILE}. A bad config or a
   * failed start ends the process with a one-line reason and a non-zero exit code.
   */
  public static void main(String role, String[] args, Deployable deployable) {
    Path file = configPath(role, args);
    Optional<Long> parent;
    try {
      parent = ParentWatch.parentPid(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid environment: {}", e.getMessage());
      exit(2);
      return;
    }
    ConfigNode config;
    try {
      config = ConfigLoader.fromEnvironment().load(file);
    } catch (ConfigException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      exit(2);
      return;
    }
    RunningInstance running;
    try {
      running = awaitStart(start(role, config, deployable));
    } catch (ConfigException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      exit(2);
      return;
    } catch (RuntimeException e) {
      LOG.error("{} failed to start: {}", role, e.getMessage(), e);
      exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> running.closeAndWait(), role + "-shutdown"));
    parent.ifPresent(pid -> exitWhenGone(running, pid));
  }

  private static void exitWhenGone(RunningInstance running, long parentPid) {
    ParentWatch.watch(
        running.context().vertx(),
        parentPid,
        ParentWatch.INTERVAL,
        () -> {
          LOG.warn(
              "{}: the launcher (pid {}) is gone; shutting down",
              running.context().settings().instance(),
              parentPid);
          // Drains like SIGTERM; exit runs on its own thread, as the shutdown hook waits for
          // close(), which needs the event loops this callback runs on.
          running
              .close()
              .onComplete(ignored -> new Thread(() -> exit(0), "edge-parent-gone-exit").start());
        });
  }

  private static Path configPath(String role, String[] args) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--config")) {
        return Path.of(args[i + 1]);
      }
    }
    LOG.error("usage: java -jar {}.jar --config FILE (missing --config)", role);
    exit(2);
    throw new IllegalStateException("unreachable");
  }

  private static void exit(int code) {
    System.exit(code);
  }

  private static RunningInstance awaitStart(Future<RunningInstance> starting) {
    CountDownLatch done = new CountDownLatch(1);
    starting.onComplete(ignored -> done.countDown());
    try {
      if (!done.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("start-up did not finish within 5 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during start-up", e);
    }
    if (starting.failed()) {
      Throwable cause = starting.cause();
      throw cause instanceof RuntimeException runtime
          ? runtime
          : new IllegalStateException(cause.getMessage(), cause);
    }
    return starting.result();
  }

  /**
   * Starts a deployable in this JVM (also how tests run one). The returned instance is ready for
   * traffic once its readiness checks are UP.
   */
  public static Future<RunningInstance> start(
      String role, ConfigNode config, Deployable deployable) {
    RuntimeSettings settings;
    try {
      settings = RuntimeSettings.from(config);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("instance", settings.instance(), "role", role);
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Vertx vertx =
        Vertx.builder()
            .withTransport(settings.transport().transport())
            .with(
                new VertxOptions()
                    .setEventLoopPoolSize(settings.eventLoops())
                    .setMetricsOptions(
                        new MicrometerMetricsOptions()
                            .setEnabled(true)
                            // LOCAL tells the meters of Vert.x's other servers (TCP) apart.
                            .addLabels(Label.LOCAL)
                            // Per-request meter lookups by tags cost more CPU than the proxying
                            // itself: edge_upstream_requests measures every upstream call, and
                            // each exchange records the vertx_http_server_* meters itself
                            // (ServerMetrics), with meters it looks up once.
                            .setDisabledMetricsCategories(
                                Set.of(
                                    MetricsDomain.HTTP_CLIENT.toCategory(),
                                    MetricsDomain.HTTP_SERVER.toCategory()))
                            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    LOG.info(
        "{}: network transport: {}, {} event loop(s)",
        settings.instance(),
        settings.transport().describe(),
        settings.eventLoops());
    AtomicBoolean accepting = new AtomicBoolean(true);
    AtomicBoolean ready = new AtomicBoolean(false);
    HealthChecks readiness = HealthChecks.create(vertx);
    readiness.register(
        "accepting",
        promise ->
            promise.complete(accepting.get() ? Status.OK() : Status.KO().setData(draining())));
    readiness.register(
        "started", promise -> promise.complete(ready.get() ? Status.OK() : Status.KO()));
    Router admin = AdminEndpoints.router(vertx, registry, readiness);
    EdgeContext context =
        new EdgeContext(role, vertx, config, settings, registry, readiness, admin);
    RunningInstance running = new RunningInstance(context, accepting);
    // Context-free: when start-up fails, Vert.x is closed before the caller hears of it, and
    // a future bound to its event loops could then never complete.
    Promise<RunningInstance> result = Promise.promise();
    vertx
        .createHttpServer()
        .requestHandler(admin)
        .listen(settings.adminPort(), settings.adminHost())
        .compose(
            adminServer -> {
              running.adminServer(adminServer);
              return deployable.start(context);
            })
        .onComplete(
            started -> {
              if (started.succeeded()) {
                ready.set(true);
                LOG.info(
                    "{} {} started (admin port {})",
                    role,
                    settings.instance(),
                    running.adminPort());
                result.complete(running);
              } else {
                running.close().onComplete(ignored -> result.fail(started.cause()));
              }
            });
    return result.future();
  }

  private static JsonObject draining() {
    return new JsonObject().put("reason", "shutting down");
  }
}
