package dev.edgestack.stack;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One process of a planned stack: its identity, its actual ports and exactly how to start it.
 *
 * @param group the name of the template this instance is a replica of
 * @param replica the replica number, from 1
 * @param staggered whether replica 1 of the group must be ready before the others start
 * @param command the command line, without the {@code setsid} the launcher puts in front
 * @param env the variables set on top of the launcher's own environment
 * @param log the file that receives the process's standard output and error
 */
public record Instance(
    String name,
    Role role,
    Optional<SampleService> service,
    String group,
    int replica,
    boolean staggered,
    int phase,
    Map<String, Integer> ports,
    List<String> command,
    Map<String, String> env,
    Path log) {

  public Instance {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(log, "log");
    if (!ports.containsKey("admin")) {
      throw new IllegalArgumentException("ports: " + ports + " (expected: an admin port)");
    }
    ports = Collections.unmodifiableMap(new LinkedHashMap<>(ports));
    command = List.copyOf(command);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  /** The port called {@code portName}; fails naming the instance's ports when there is none. */
  public int port(String portName) {
    return port(name, ports, portName);
  }

  /** The lookup {@link #port(String)} does, shared with the test kit's view of an instance. */
  public static int port(String instance, Map<String, Integer> ports, String portName) {
    Integer port = ports.get(portName);
    if (port == null) {
      throw new IllegalArgumentException(
          instance + ": no port " + portName + " (expected: one of " + ports.keySet() + ")");
    }
    return port;
  }

  public int httpPort() {
    return port("http");
  }

  public int adminPort() {
    return port("admin");
  }
}
