package dev.edgestack.stack;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Maps a topology file into a {@link Topology}, checking everything the launcher relies on. */
final class TopologyReader {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Pattern PORT_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final int MAX_REPLICAS = 50;

  private final Path home;
  private final Map<String, Template> templates = new LinkedHashMap<>();
  private final Map<String, ConfigNode> nodes = new HashMap<>();

  private TopologyReader(Path home) {
    this.home = home;
  }

  static Topology read(Path file, Path home) {
    ConfigNode root = ConfigLoader.fromEnvironment().load(file);
    root.requireOnly("name", "description", "entry", "instances");
    TopologyReader reader = new TopologyReader(home);
    String name = root.string("name");
    String description = root.string("description", "");
    List<ConfigNode> items = root.objects("instances");
    if (items.isEmpty()) {
      throw root.error("instances", null, "a list of at least one instance template");
    }
    for (ConfigNode item : items) {
      reader.add(item);
    }
    String entry = root.string("entry");
    if (!reader.templates.containsKey(entry)) {
      throw root.error(
          "entry",
          entry,
          "the name of a template: " + String.join(", ", reader.templates.keySet()));
    }
    reader.checkInstanceNames();
    reader.checkPorts();
    reader.checkEnv();
    return new Topology(name, description, entry, List.copyOf(reader.templates.values()));
  }

  private void add(ConfigNode node) {
    node.requireOnly(
        "name",
        "role",
        "service",
        "replicas",
        "staggered",
        "config",
        "phase",
        "ports",
        "env",
        "jvmOptions");
    String name = node.string("name");
    if (!NAME.matcher(name).matches()) {
      throw node.error("name", name, "lower-case letters, digits and dashes, from a letter");
    }
    if (templates.containsKey(name)) {
      throw node.error("name", name, "a name no other template uses");
    }
    Role role = node.enumValue("role", Role.class, null);
    Optional<SampleService> service = Optional.empty();
    if (role == Role.SERVICE) {
      service = Optional.of(node.enumValue("service", SampleService.class, null));
    } else if (node.has("service")) {
      throw node.error("service", node.string("service"), "no service unless role is service");
    }
    int replicas = node.integer("replicas", 1, 1, MAX_REPLICAS);
    boolean staggered = node.bool("staggered", false);
    String config = node.string("config");
    if (!Files.isRegularFile(home.resolve(config))) {
      throw node.error("config", config, "an existing file relative to " + home);
    }
    int phase = node.integer("phase", 1, 1, 99);
    Map<String, Integer> ports = ports(node, replicas);
    Map<String, String> env = node.stringMap("env");
    List<String> jvmOptions = node.strings("jvmOptions");
    templates.put(
        name,
        new Template(
            name, role, service, replicas, staggered, config, phase, ports, env, jvmOptions));
    nodes.put(name, node);
  }

  private static Map<String, Integer> ports(ConfigNode parent, int replicas) {
    ConfigNode node = parent.object("ports");
    Map<String, Integer> ports = new LinkedHashMap<>();
    // Read http and admin first so that a missing one is reported as missing.
    ports.put("http", node.integer("http", 1, 65536 - replicas));
    ports.put("admin", node.integer("admin", 1, 65536 - replicas));
    for (String portName : parent.stringMap("ports").keySet()) {
      if (!PORT_NAME.matcher(portName).matches()) {
        throw node.error(portName, portName, "a port name of lower-case letters and digits");
      }
      ports.put(portName, node.integer(portName, 1, 65536 - replicas));
    }
    return ports;
  }

  private void checkInstanceNames() {
    Map<String, String> owners = new HashMap<>();
    for (Template template : templates.values()) {
      for (int replica = 1; replica <= template.replicas(); replica++) {
        String instance = template.instanceName(replica);
        String owner = owners.putIfAbsent(instance, template.name());
        if (owner != null) {
          throw nodes
              .get(template.name())
              .error(
                  "name",
                  template.name(),
                  "instance names no other template yields ("
                      + instance
                      + " is also an instance of "
                      + owner
                      + ")");
        }
      }
    }
  }

  private void checkPorts() {
    Map<Integer, String> owners = new HashMap<>();
    for (Template template : templates.values()) {
      for (int replica = 1; replica <= template.replicas(); replica++) {
        String instance = template.instanceName(replica);
        for (Map.Entry<String, Integer> port : template.replicaPorts(replica).entrySet()) {
          String owner = owners.putIfAbsent(port.getValue(), instance + " " + port.getKey());
          if (owner != null) {
            throw nodes
                .get(template.name())
                .object("ports")
                .error(
                    port.getKey(),
                    template.ports().get(port.getKey()),
                    "ports no other instance uses ("
                        + instance
                        + " would get "
                        + port.getValue()
                        + ", already the "
                        + owner
                        + " port)");
          }
        }
      }
    }
  }

  private void checkEnv() {
    for (Template template : templates.values()) {
      ConfigNode env = nodes.get(template.name()).objectOrEmpty("env");
      List<String> reserved = new ArrayList<>(List.of("EDGE_INSTANCE", "EDGE_BIND"));
      reserved.add(InstanceEnvironment.KEY_FILE);
      template.ports().keySet().forEach(port -> reserved.add(portVariable(port)));
      for (Map.Entry<String, String> variable : template.env().entrySet()) {
        if (reserved.contains(variable.getKey())) {
          throw env.error(
              variable.getKey(), variable.getValue(), "no value: the launcher sets this variable");
        }
        Optional<String> problem = EnvReferences.problem(variable.getValue(), templates);
        if (problem.isPresent()) {
          throw new ConfigException(
              nodes.get(template.name()).source()
                  + ": "
                  + env.keyPath(variable.getKey())
                  + ": "
                  + problem.get());
        }
      }
    }
  }

  /** The variable that gives an instance its port {@code portName}: EDGE_HTTP_PORT and so on. */
  static String portVariable(String portName) {
    return "EDGE_" + portName.toUpperCase(Locale.ROOT) + "_PORT";
  }
}
