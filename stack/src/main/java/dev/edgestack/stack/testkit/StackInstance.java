package dev.edgestack.stack.testkit;

import dev.edgestack.stack.Instance;
import dev.edgestack.stack.Role;
import dev.edgestack.stack.SampleService;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One instance of a stack started by {@link StackExtension}, as it was when asked for; the pid
 * changes when the instance is started again.
 *
 * @param group the template the instance is a replica of, such as {@code gateway}
 * @param pid the last process started for it, 0 when none was started
 */
public record StackInstance(
    String name,
    Role role,
    Optional<SampleService> service,
    String group,
    Map<String, Integer> ports,
    long pid) {

  public StackInstance {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(group, "group");
    ports = Collections.unmodifiableMap(new LinkedHashMap<>(ports));
  }

  /** The port called {@code portName}, such as {@code cluster}. */
  public int port(String portName) {
    return Instance.port(name, ports, portName);
  }

  public int httpPort() {
    return port("http");
  }

  public int adminPort() {
    return port("admin");
  }
}
