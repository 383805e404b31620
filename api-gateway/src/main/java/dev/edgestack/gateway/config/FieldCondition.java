package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import io.vertx.core.MultiMap;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A condition on a named header or query parameter: {@code present}, {@code equals} a value or
 * {@code matches} a regular expression (compiled once, at load; the whole value must match). Any
 * one of several values satisfies it.
 *
 * <pre>
 * headers: [{name: X-Canary, equals: "on"}, {name: User-Agent, matches: ".*Mobile.*"}]
 * query: [{name: debug}]   # present
 * </pre>
 */
public record FieldCondition(
    String name, Kind kind, Optional<String> value, Optional<Pattern> pattern) {

  /** What the condition asks of the field. */
  public enum Kind {
    PRESENT,
    EQUALS,
    MATCHES
  }

  public FieldCondition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }

  public boolean test(MultiMap fields) {
    for (String candidate : fields.getAll(name)) {
      switch (kind) {
        case PRESENT -> {
          return true;
        }
        case EQUALS -> {
          if (candidate.equals(value.orElseThrow())) {
            return true;
          }
        }
        case MATCHES -> {
          if (pattern.orElseThrow().matcher(candidate).matches()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static FieldCondition from(ConfigNode node) {
    node.requireOnly("name", "present", "equals", "matches");
    String name = node.string("name");
    int given =
        (node.has("present") ? 1 : 0)
            + (node.has("equals") ? 1 : 0)
            + (node.has("matches") ? 1 : 0);
    if (given > 1) {
      throw node.error("equals", null, "at most one of present, equals, matches");
    }
    if (node.has("equals")) {
      return new FieldCondition(
          name, Kind.EQUALS, Optional.of(node.string("equals")), Optional.empty());
    }
    if (node.has("matches")) {
      String regex = node.string("matches");
      try {
        return new FieldCondition(
            name, Kind.MATCHES, Optional.empty(), Optional.of(Pattern.compile(regex)));
      } catch (PatternSyntaxException e) {
        throw node.error("matches", regex, "a Java regular expression: " + e.getDescription());
      }
    }
    if (!node.bool("present", true)) {
      throw node.error("present", "false", "true (absence is not a condition yet)");
    }
    return new FieldCondition(name, Kind.PRESENT, Optional.empty(), Optional.empty());
  }
}
