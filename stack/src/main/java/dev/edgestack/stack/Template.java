package dev.edgestack.stack;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a topology's {@code instances} list: a group of identical replicas of one role.
 *
 * <p>Replica {@code i} (from 1) of a template with {@code replicas > 1} is named {@code name-i} and
 * listens on the template's ports plus {@code i - 1}; a single replica keeps the template's name
 * and ports.
 *
 * @param config the instance's config file, relative to the stack's home folder
 * @param ports port name to port of the first replica; always holds {@code http} and {@code admin}
 * @param env environment of every replica, before references such as {@code {gateway.http}} are
 *     expanded
 */
public record Template(
    String name,
    Role role,
    Optional<SampleService> service,
    int replicas,
    boolean staggered,
    String config,
    int phase,
    Map<String, Integer> ports,
    Map<String, String> env,
    List<String> jvmOptions) {

  public Template {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(config, "config");
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 1)");
    }
    if (service.isPresent() != (role == Role.SERVICE)) {
      throw new IllegalArgumentException(
          "service: " + service + " (expected: present exactly when role is service)");
    }
    if (!ports.containsKey("http") || !ports.containsKey("admin")) {
      throw new IllegalArgumentException("ports: " + ports + " (expected: http and admin)");
    }
    ports = Collections.unmodifiableMap(new LinkedHashMap<>(ports));
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** The name of replica {@code replica} (from 1). */
  public String instanceName(int replica) {
    return replicas == 1 ? name : name + "-" + replica;
  }

  /** The ports declared for replica {@code replica} (from 1): the template's plus replica - 1. */
  public Map<String, Integer> replicaPorts(int replica) {
    Map<String, Integer> shifted = new LinkedHashMap<>();
    ports.forEach((portName, port) -> shifted.put(portName, port + replica - 1));
    return shifted;
  }
}
