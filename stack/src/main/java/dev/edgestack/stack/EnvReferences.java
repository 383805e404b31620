package dev.edgestack.stack;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * References to other instances' ports inside env values of a topology.
 *
 * <p>{@code {group.port}} expands to the comma-separated {@code 127.0.0.1:PORT} list of every
 * replica of template {@code group}; {@code {group.port@admin}} writes {@code
 * 127.0.0.1:PORT@ADMINPORT} per replica (the balancers health-check the admin port). A reference
 * may sit inside a longer value such as {@code http://{issuer.http}/.well-known/jwks.json}.
 */
final class EnvReferences {
  private static final Pattern REFERENCE =
      Pattern.compile("\\{([a-z][a-z0-9-]*)\\.([a-z][a-z0-9_]*)(?:@([a-z][a-z0-9_]*))?}");

  private EnvReferences() {}

  /**
   * The first reference in {@code value} that names no template or no port of it, described for an
   * error message; empty when every reference resolves.
   */
  static Optional<String> problem(String value, Map<String, Template> templates) {
    Matcher matcher = REFERENCE.matcher(value);
    while (matcher.find()) {
      Template group = templates.get(matcher.group(1));
      if (group == null) {
        return Optional.of(
            matcher.group()
                + " names no template (expected: one of "
                + String.join(", ", templates.keySet())
                + ")");
      }
      for (int port = 2; port <= 3; port++) {
        String portName = matcher.group(port);
        if (portName != null && !group.ports().containsKey(portName)) {
          return Optional.of(
              matcher.group()
                  + " names no port of "
                  + group.name()
                  + " (expected: one of "
                  + String.join(", ", group.ports().keySet())
                  + ")");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Expands every reference in {@code value}; {@code replicaPorts} gives, per template name, the
   * actual ports of each replica in replica order.
   */
  static String expand(String value, Map<String, List<Map<String, Integer>>> replicaPorts) {
    Matcher matcher = REFERENCE.matcher(value);
    StringBuilder expanded = new StringBuilder();
    while (matcher.find()) {
      List<Map<String, Integer>> replicas = replicaPorts.get(matcher.group(1));
      if (replicas == null) {
        throw new IllegalArgumentException("unknown template in " + matcher.group());
      }
      String port = matcher.group(2);
      String suffix = matcher.group(3);
      String addresses =
          replicas.stream()
              .map(
                  ports ->
                      "127.0.0.1:"
                          + require(ports, port, matcher.group())
                          + (suffix == null ? "" : "@" + require(ports, suffix, matcher.group())))
              .collect(Collectors.joining(","));
      matcher.appendReplacement(expanded, Matcher.quoteReplacement(addresses));
    }
    matcher.appendTail(expanded);
    return expanded.toString();
  }

  private static int require(Map<String, Integer> ports, String name, String reference) {
    Integer port = ports.get(name);
    if (port == null) {
      throw new IllegalArgumentException("unknown port in " + reference);
    }
    return port;
  }
}
