package dev.edgestack.runtime.process;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads an instance's config file while it runs: on {@code POST /admin/reload} and, with {@code
 * reload: {watch: true}}, whenever the file's content changes (polled every {@code interval}
 * without blocking). A new version is parsed and validated whole by the deployable's {@link Target}
 * before anything changes; only then is it applied, at once. An invalid version changes nothing:
 * the old config stays active, the error (file, key, expectation) is logged once per distinct
 * content and returned by the admin call. {@code GET /admin/config} shows the active version. Any
 * deployable can use it; each decides what a reload may change.
 */
public final class ConfigReloader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  /** Validates a candidate config and returns what applies it, or throws a ConfigException. */
  @FunctionalInterface
  public interface Target {
    Applied prepare(ConfigNode candidate);
  }

  /** What a valid candidate changes, ready to apply, and a one-line summary for the admin API. */
  public record Applied(Runnable apply, String summary) {}

  /** The {@code reload} section: watch the file, and how often. */
  public record Settings(boolean watch, Duration interval) {
    public static Settings from(ConfigNode root) {
      ConfigNode node = root.objectOrEmpty("reload").requireOnly("watch", "interval");
      return new Settings(
          node.bool("watch", false),
          node.duration("interval", Duration.ofSeconds(2), Duration.ofMillis(100)));
    }
  }

  // Built into the listeners and the admin server of every deployable at start.
  private static final List<String> RUNTIME_SECTIONS =
      List.of("instance", "server", "admin", "shutdown", "forwarded");

  private final Vertx vertx;
  private final ConfigNode running;
  private final Path file;
  private final ConfigLoader loader;
  private final Target target;
  private final Counter applied;
  private final Counter unchanged;
  private final Counter rejected;
  private final AtomicLong version = new AtomicLong(1);
  private final Map<String, String> rejectedContents = new ConcurrentHashMap<>();
  private volatile String activeSha256;
  private volatile Instant loadedAt = Instant.now();
  private volatile String summary = "as started";
  private volatile Optional<String> lastError = Optional.empty();
  private Future<JsonObject> inFlight = Future.succeededFuture();

  private ConfigReloader(
      EdgeContext context, Path file, ConfigLoader loader, Target target, String activeSha256) {
    this.vertx = context.vertx();
    this.running = context.config();
    this.file = file;
    this.loader = loader;
    this.target = target;
    this.activeSha256 = activeSha256;
    MeterRegistry registry = context.registry();
    this.applied = reloads(registry, "applied");
    this.unchanged = reloads(registry, "unchanged");
    this.rejected = reloads(registry, "rejected");
    Gauge.builder("edge_config_version", version, AtomicLong::get)
        .description("The active config version: 1 at start, one more per applied reload")
        .register(registry);
  }

  private static Counter reloads(MeterRegistry registry, String outcome) {
    return Counter.builder("edge_config_reloads")
        .description("Config reloads by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Mounts the admin endpoints and, when configured, starts watching; a config that was not read
   * from a file (tests that pass YAML text) can only be shown, not reloaded.
   */
  public static ConfigReloader start(EdgeContext context, Target target) {
    ConfigNode config = context.config();
    Settings settings = Settings.from(config);
    Path file = Path.of(config.source());
    ConfigReloader reloader =
        new ConfigReloader(context, file, ConfigLoader.fromEnvironment(), target, "");
    context.adminRouter().post("/admin/reload").handler(reloader::handleReload);
    context.adminRouter().get("/admin/config").handler(reloader::handleShow);
    context
        .vertx()
        .fileSystem()
        .readFile(file.toString())
        .onFailure(failure -> LOG.info("config {} is not a readable file: no reload", file))
        .onSuccess(
            content -> {
              reloader.activeSha256 = sha256(content.getBytes());
              if (settings.watch()) {
                long timer =
                    context
                        .vertx()
                        .setPeriodic(settings.interval().toMillis(), id -> reloader.poll());
                context.closeOnShutdown(
                    () -> {
                      context.vertx().cancelTimer(timer);
                      return Future.succeededFuture();
                    });
                LOG.info("watching {} for changes every {}", file, settings.interval());
              }
            });
    return reloader;
  }

  /** Reads the file and applies it if it is new and valid; the JSON says what happened. */
  public synchronized Future<JsonObject> reload() {
    // One reload at a time: a watcher tick during an admin call waits for it.
    inFlight =
        inFlight
            .transform(ignored -> vertx.fileSystem().readFile(file.toString()))
            .map(this::consider);
    return inFlight;
  }

  private void poll() {
    reload()
        .onFailure(
            failure ->
                LOG.debug("config watch: {} cannot be read: {}", file, failure.getMessage()));
  }

  private JsonObject consider(Buffer content) {
    byte[] bytes = content.getBytes();
    String sha = sha256(bytes);
    if (sha.equals(activeSha256)) {
      unchanged.increment();
      return describe("unchanged");
    }
    try {
      ConfigNode candidate =
          loader.parse(file.toString(), new String(bytes, StandardCharsets.UTF_8));
      RuntimeSettings.from(candidate);
      requireUnchanged(
          changedKeys(running, candidate, RUNTIME_SECTIONS),
          candidate,
          "the sections a reload applies");
      Applied change = target.prepare(candidate);
      change.apply().run();
      activeSha256 = sha;
      loadedAt = Instant.now();
      summary = change.summary();
      lastError = Optional.empty();
      version.incrementAndGet();
      applied.increment();
      LOG.info("config {} reloaded as version {}: {}", file, version.get(), summary);
      return describe("applied");
    } catch (ConfigException e) {
      rejected.increment();
      lastError = Optional.of(e.getMessage());
      if (rejectedContents.put(sha, e.getMessage()) == null) {
        LOG.warn(
            "config {} not reloaded, version {} stays active: {}",
            file,
            version.get(),
            e.getMessage());
      }
      if (rejectedContents.size() > 100) {
        rejectedContents.clear();
      }
      return describe("rejected").put("error", e.getMessage());
    }
  }

  private JsonObject describe(String outcome) {
    return new JsonObject()
        .put("outcome", outcome)
        .put("file", file.toString())
        .put("version", version.get())
        .put("sha256", activeSha256)
        .put("loadedAt", loadedAt.toString())
        .put("summary", summary);
  }

  private void handleReload(RoutingContext routing) {
    reload()
        .onComplete(
            done -> {
              if (done.failed()) {
                problem(
                    routing,
                    500,
                    "Reload failed",
                    "The config file cannot be read: " + done.cause().getMessage(),
                    new JsonObject());
                return;
              }
              JsonObject result = done.result();
              if (result.getString("outcome").equals("rejected")) {
                problem(
                    routing,
                    422,
                    "Config rejected; the active version is unchanged",
                    result.getString("error"),
                    result);
                return;
              }
              routing.json(result);
            });
  }

  private void handleShow(RoutingContext routing) {
    JsonObject shown = describe("active");
    lastError.ifPresent(error -> shown.put("lastRejected", error));
    routing.json(shown);
  }

  private static void problem(
      RoutingContext routing, int status, String title, String detail, JsonObject extra) {
    routing
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/problem+json")
        .end(
            extra
                .copy()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail)
                .encode());
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The keys of {@code candidate} (with their paths) whose values differ from {@code running}'s.
   */
  public static List<String> changedKeys(
      ConfigNode running, ConfigNode candidate, List<String> keys) {
    return keys.stream()
        .filter(key -> !running.json(key).equals(candidate.json(key)))
        .map(candidate::keyPath)
        .toList();
  }

  /**
   * Rejects a reload that changed keys only a restart can apply; {@code reloadable} says what a
   * reload of this deployable may change.
   */
  public static void requireUnchanged(
      List<String> changed, ConfigNode candidate, String reloadable) {
    if (!changed.isEmpty()) {
      throw new ConfigException(
          candidate.source()
              + ": "
              + String.join(", ", changed)
              + ": changed (expected: only "
              + reloadable
              + " change on reload; restart the instance for the rest)");
    }
  }
}
