package dev.edgestack.it;

import static dev.edgestack.it.ContainerFiles.list;
import static dev.edgestack.it.ContainerFiles.listOrEmpty;
import static dev.edgestack.it.ContainerFiles.map;
import static dev.edgestack.it.ContainerFiles.mapOrEmpty;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A compose project as {@code docker compose -f A -f B up} sees it with no profile enabled: the
 * files merged the way compose merges them (mappings key by key, {@code ports} and {@code profiles}
 * appended, {@code volumes} replaced per container path, any other list replaced), and the services
 * left out whose {@code profiles} nobody enabled.
 */
final class ComposeProject {
  /** The label that names the topology template a compose service stands for. */
  static final String TEMPLATE_LABEL = "dev.edgestack.template";

  static final String ROLE_LABEL = "dev.edgestack.role";

  private final List<Path> files;
  private final Map<String, Map<String, Object>> services;
  private final Map<String, Object> root;

  private ComposeProject(
      List<Path> files, Map<String, Object> root, Map<String, Map<String, Object>> services) {
    this.files = files;
    this.root = root;
    this.services = services;
  }

  /** The compose files that run {@code topology}: the base file, then its override, if any. */
  static List<String> filesFor(String topology) {
    return topology.equals("hybrid")
        ? List.of("docker-compose.yml")
        : List.of("docker-compose.yml", "docker-compose." + topology + ".yml");
  }

  static ComposeProject of(String topology) {
    List<Path> files = filesFor(topology).stream().map(ContainerFiles::file).toList();
    Map<String, Object> merged = new LinkedHashMap<>();
    for (Path file : files) {
      merged = mergeMaps(merged, ContainerFiles.yamlMap(file), "");
    }
    Map<String, Map<String, Object>> enabled = new LinkedHashMap<>();
    mapOrEmpty(merged, "services", "compose")
        .forEach(
            (name, service) -> {
              Map<String, Object> definition = map(service, "services." + name);
              if (listOrEmpty(definition, "profiles", name).isEmpty()) {
                enabled.put(name, definition);
              }
            });
    return new ComposeProject(files, merged, enabled);
  }

  List<Path> files() {
    return files;
  }

  Map<String, Object> root() {
    return root;
  }

  /** The services that start without a profile, by name. */
  Map<String, Map<String, Object>> services() {
    return services;
  }

  Map<String, Object> service(String name) {
    Map<String, Object> service = services.get(name);
    if (service == null) {
      throw new AssertionError(
          files + ": no enabled service " + name + " (enabled: " + services.keySet() + ")");
    }
    return service;
  }

  /** The services that run an edge-stack deployable: those labelled with a topology template. */
  Map<String, Map<String, Object>> edgeServices() {
    Map<String, Map<String, Object>> edge = new LinkedHashMap<>();
    services.forEach(
        (name, service) -> {
          if (label(service, TEMPLATE_LABEL).isPresent()) {
            edge.put(name, service);
          }
        });
    return edge;
  }

  /** The enabled service standing for topology template {@code template}. */
  String serviceOf(String template) {
    return edgeServices().entrySet().stream()
        .filter(entry -> label(entry.getValue(), TEMPLATE_LABEL).orElse("").equals(template))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    files + ": no service labelled " + TEMPLATE_LABEL + "=" + template));
  }

  static Optional<String> label(Map<String, Object> service, String label) {
    Object value = mapOrEmpty(service, "labels", "service").get(label);
    return Optional.ofNullable(value).map(String::valueOf);
  }

  /** A service's environment as strings (compose passes every value as a string). */
  static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> environment = new LinkedHashMap<>();
    mapOrEmpty(service, "environment", "service")
        .forEach(
            (name, value) -> environment.put(name, value == null ? "" : String.valueOf(value)));
    return environment;
  }

  static int replicas(Map<String, Object> service) {
    Object replicas = mapOrEmpty(service, "deploy", "service").get("replicas");
    return replicas == null ? 1 : ((Number) replicas).intValue();
  }

  /** {@code source -> target} of each bind mount or volume ({@code ./config:/app/config:ro}). */
  static Map<String, String> mounts(Map<String, Object> service) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (Object volume : listOrEmpty(service, "volumes", "service")) {
      String[] parts = String.valueOf(volume).split(":");
      mounts.put(parts[1], parts[0]);
    }
    return mounts;
  }

  /** Published ports as {@code hostPort -> containerPort}. */
  static Map<Integer, Integer> publishedPorts(Map<String, Object> service) {
    Map<Integer, Integer> ports = new LinkedHashMap<>();
    for (Object port : listOrEmpty(service, "ports", "service")) {
      String[] parts = String.valueOf(port).split(":");
      if (parts.length != 2) {
        throw new AssertionError("port " + port + " (expected: \"HOST:CONTAINER\")");
      }
      ports.put(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }
    return ports;
  }

  static List<String> command(Map<String, Object> service) {
    return ContainerFiles.strings(service.get("command"), "command");
  }

  private static Map<String, Object> mergeMaps(
      Map<String, Object> base, Map<String, Object> override, String path) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    override.forEach(
        (key, value) -> {
          Object previous = merged.get(key);
          String child = path.isEmpty() ? key : path + "." + key;
          merged.put(key, previous == null ? value : merge(previous, value, child, key));
        });
    return merged;
  }

  private static Object merge(Object base, Object override, String path, String key) {
    if (base instanceof Map<?, ?> && override instanceof Map<?, ?>) {
      return mergeMaps(map(base, path), map(override, path), path);
    }
    if (base instanceof List<?> && override instanceof List<?>) {
      List<Object> merged = new ArrayList<>(list(base, path));
      switch (key) {
        case "ports", "profiles" -> {
          for (Object item : list(override, path)) {
            if (!merged.contains(item)) {
              merged.add(item);
            }
          }
          return merged;
        }
        case "volumes" -> {
          for (Object item : list(override, path)) {
            String target = String.valueOf(item).split(":")[1];
            merged.removeIf(old -> Objects.equals(String.valueOf(old).split(":")[1], target));
            merged.add(item);
          }
          return merged;
        }
        default -> {
          return override;
        }
      }
    }
    return override;
  }
}
