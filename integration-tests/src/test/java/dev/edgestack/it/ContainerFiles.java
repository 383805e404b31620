package dev.edgestack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.stack.Template;
import dev.edgestack.stack.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the container tests share: the project folder, YAML reading, the local topologies the
 * container files mirror, and the deployables' config files resolved with a container's
 * environment.
 */
final class ContainerFiles {
  /**
   * The topologies of {@code config/topologies}, each run by compose and by a kustomize overlay.
   */
  static final List<String> TOPOLOGIES = List.of("hybrid", "lb-gateway", "gateway-lb");

  /**
   * Where the image puts the project's files ({@code WORKDIR}); config paths are relative to it.
   */
  static final String IMAGE_HOME = "/app";

  /** The admin paths every deployable serves (DESIGN.md, "Ports"). */
  static final Set<String> ADMIN_HEALTH_PATHS = Set.of("/health/live", "/health/ready");

  /** Set by the image for every container (Dockerfile {@code ENV}). */
  static final Map<String, String> IMAGE_ENV = Map.of("EDGE_BIND", "0.0.0.0");

  /**
   * Variables the containers set for behaviour that a later issue adds to the deployables; no
   * config file reads them yet. Empty now; kept so that such a variable is named, not ignored.
   */
  static final Map<String, String> PENDING_VARIABLES = Map.of();

  private static final Pattern REFERENCE =
      Pattern.compile("\\{([a-z][a-z0-9-]*)\\.([a-z][a-z0-9_]*)(?:@([a-z][a-z0-9_]*))?}");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

  private static Path home;

  private ContainerFiles() {}

  /** The project folder: the nearest folder above the working directory with config/topologies. */
  static synchronized Path home() {
    if (home == null) {
      for (Path folder = Path.of("").toAbsolutePath();
          folder != null;
          folder = folder.getParent()) {
        if (Files.isDirectory(folder.resolve("config").resolve("topologies"))) {
          home = folder;
          return home;
        }
      }
      throw new IllegalStateException("no folder with config/topologies above the working folder");
    }
    return home;
  }

  static Path file(String relative) {
    return home().resolve(relative);
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every YAML document of {@code file}, with anchors, aliases and merge keys resolved. */
  static List<Object> yamlDocuments(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    List<Object> documents = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(options)).loadAll(read(file))) {
      if (document != null) {
        documents.add(document);
      }
    }
    return documents;
  }

  /** The single YAML document of {@code file}, as a mapping. */
  static Map<String, Object> yamlMap(Path file) {
    List<Object> documents = yamlDocuments(file);
    assertThat(documents).as("%s: YAML documents", file).hasSize(1);
    return map(documents.get(0), file.toString());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String what) {
    assertThat(value).as("%s (expected: a mapping)", what).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  static Map<String, Object> mapOrEmpty(Map<String, Object> parent, String key, String what) {
    Object value = parent.get(key);
    return value == null ? Map.of() : map(value, what + "." + key);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value, String what) {
    assertThat(value).as("%s (expected: a list)", what).isInstanceOf(List.class);
    return (List<Object>) value;
  }

  static List<Object> listOrEmpty(Map<String, Object> parent, String key, String what) {
    Object value = parent.get(key);
    return value == null ? List.of() : list(value, what + "." + key);
  }

  static List<String> strings(Object value, String what) {
    return list(value, what).stream().map(String::valueOf).toList();
  }

  /** Every YAML file under {@code folder}, in a stable order. */
  static List<Path> yamlFiles(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Topology topology(String name) {
    return Topology.load(Topology.file(home(), name), home());
  }

  /** The topology names in config/topologies, so that a new topology is noticed here. */
  static Set<String> topologyNames() {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(file("config/topologies"))) {
      files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yaml"))
          .forEach(name -> names.add(name.substring(0, name.length() - ".yaml".length())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /**
   * A topology env value with its {@code {group.port[@admin]}} references written for a container
   * platform: one {@code host:port[@adminPort]} per group, where {@code host} is the DNS name that
   * {@code hostOf(template, portName)} gives (every replica answers behind that one name).
   */
  static String expandForContainers(
      String value, Topology topology, BiFunction<Template, String, String> hostOf) {
    Matcher matcher = REFERENCE.matcher(value);
    StringBuilder expanded = new StringBuilder();
    while (matcher.find()) {
      Template group =
          topology
              .template(matcher.group(1))
              .orElseThrow(() -> new AssertionError("unknown template in " + matcher.group()));
      String port = matcher.group(2);
      String suffix = matcher.group(3);
      String address =
          hostOf.apply(group, port)
              + ":"
              + group.ports().get(port)
              + (suffix == null ? "" : "@" + group.ports().get(suffix));
      matcher.appendReplacement(expanded, Matcher.quoteReplacement(address));
    }
    matcher.appendTail(expanded);
    return expanded.toString();
  }

  /** A deployable's config file as the deployable reads it with {@code environment}. */
  static ConfigNode resolvedConfig(String config, Map<String, String> environment) {
    Map<String, String> variables = new LinkedHashMap<>(IMAGE_ENV);
    variables.putAll(environment);
    return ConfigLoader.withVariables(variables).load(home().resolve(config));
  }

  /**
   * The balancing pools of a resolved config (edge-lb's pool, internal-lb's pools, a gateway's
   * upstreams) that name an endpoint by host name without following every address of the name: such
   * a pool would see a scaled service as one endpoint.
   */
  static List<String> poolsBlindToScaling(ConfigNode config) {
    Map<String, ConfigNode> pools = new LinkedHashMap<>();
    config.optionalObject("pool").ifPresent(pool -> pools.put("pool", pool));
    if (config.has("pools")) {
      List<ConfigNode> listed = config.objects("pools");
      for (int i = 0; i < listed.size(); i++) {
        pools.put("pools[" + i + "]", listed.get(i));
      }
    }
    if (config.has("upstreams")) {
      config
          .objectEntries("upstreams")
          .forEach((name, pool) -> pools.put("upstreams." + name, pool));
    }
    List<String> blind = new ArrayList<>();
    pools.forEach(
        (key, pool) -> {
          boolean namesHosts =
              Arrays.stream(pool.string("endpoints").split(","))
                  .map(endpoint -> endpoint.strip().split(":", 2)[0])
                  .anyMatch(host -> !host.matches("[0-9.]+|\\[.*]"));
          if (namesHosts && !pool.objectOrEmpty("dns").bool("enabled", false)) {
            blind.add(key + " (" + pool.string("endpoints") + ")");
          }
        });
    return blind;
  }

  /** The ranges whose X-Forwarded-For the instance believes, as its config file resolves them. */
  static List<String> trustedProxies(String config, Map<String, String> environment) {
    return resolvedConfig(config, environment).objectOrEmpty("forwarded").strings("trustedProxies");
  }

  /** The ports a config file gives an instance: http, admin and, for gateways, cluster. */
  static Map<String, Integer> configuredPorts(ConfigNode config) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("http", config.object("server").integer("port", 0, 65535));
    ports.put("admin", config.object("admin").integer("port", 0, 65535));
    config
        .object("server")
        .optionalObject("tls")
        .filter(tls -> tls.bool("enabled", true))
        .ifPresent(tls -> ports.put("tls", tls.integer("port", 0, 65535)));
    if (config.has("cluster")) {
      ports.put("cluster", config.object("cluster").integer("port", 0, 65535));
    }
    return ports;
  }

  /**
   * The environment variables something in the image reads for a container running {@code config}:
   * the config file's placeholders, the entry point's and the health check's variables and the
   * logging config's.
   */
  static Set<String> variablesReadFor(String config) {
    Set<String> names = new TreeSet<>();
    for (String source :
        List.of(
            config,
            "deploy/docker/entrypoint.sh",
            "deploy/docker/healthcheck.sh",
            "edge-runtime/src/main/resources/logback.xml")) {
      Matcher matcher = VARIABLE.matcher(read(file(source)));
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  /** Whether {@code command} is an executable on the PATH. */
  static boolean commandExists(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String folder : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(folder, command))) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code command} in the project folder; the result holds the exit code and output. */
  static CommandResult run(List<String> command, java.time.Duration timeout) {
    return run(command, Map.of(), timeout);
  }

  /** Runs {@code command} in the project folder with {@code environment} added to this one's. */
  static CommandResult run(
      List<String> command, Map<String, String> environment, java.time.Duration timeout) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(home().toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("EDGE_"));
      builder.environment().putAll(environment);
      Process process = builder.start();
      java.util.concurrent.CompletableFuture<String> errors =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new String(
                      process.getErrorStream().readAllBytes(),
                      java.nio.charset.StandardCharsets.UTF_8);
                } catch (IOException e) {
                  return e.toString();
                }
              });
      String output =
          new String(
              process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
      }
      return new CommandResult(process.exitValue(), output, errors.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** What a command printed and how it ended. */
  record CommandResult(int exitCode, String output, String errors) {}
}
