package dev.edgestack.gateway.route;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request path pattern made of literal segments and {@code {name}} variables, such as {@code
 * /api/accounts/{id}/transactions}. A variable matches exactly one non-empty segment, never a
 * {@code /}; literals match exactly (case-sensitive, no trailing slash).
 */
public final class PathTemplate {
  private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");
  // RFC 3986 pchar without '%': literals are compared with the raw request path.
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@-]+");

  private final String text;
  private final List<String> segments;
  private final List<Boolean> variableAt;
  private final List<String> variables;

  private PathTemplate(String text, List<String> segments, List<Boolean> variableAt) {
    this.text = text;
    this.segments = List.copyOf(segments);
    this.variableAt = List.copyOf(variableAt);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      if (variableAt.get(i)) {
        names.add(segments.get(i));
      }
    }
    this.variables = List.copyOf(names);
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static PathTemplate parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.startsWith("/")) {
      throw new IllegalArgumentException("must start with /");
    }
    List<String> segments = new ArrayList<>();
    List<Boolean> variableAt = new ArrayList<>();
    Set<String> names = new HashSet<>();
    if (!text.equals("/")) {
      for (String segment : text.substring(1).split("/", -1)) {
        var variable = VARIABLE.matcher(segment);
        if (variable.matches()) {
          if (!names.add(variable.group(1))) {
            throw new IllegalArgumentException(
                "variable {" + variable.group(1) + "} appears twice");
          }
          segments.add(variable.group(1));
          variableAt.add(true);
        } else if (segment.isEmpty()) {
          throw new IllegalArgumentException("empty segment (// or a trailing /)");
        } else if (segment.equals(".") || segment.equals("..")) {
          throw new IllegalArgumentException("dot segment " + segment);
        } else if (!LITERAL.matcher(segment).matches()) {
          throw new IllegalArgumentException(
              "segment \"" + segment + "\" is neither a literal nor exactly one {name}");
        } else {
          segments.add(segment);
          variableAt.add(false);
        }
      }
    }
    return new PathTemplate(text, segments, variableAt);
  }

  /** The template as written. */
  public String text() {
    return text;
  }

  /** Names of the variables, in path order. */
  public List<String> variables() {
    return variables;
  }

  /**
   * Matches a raw (still percent-encoded) request path; the values are the raw segments, to be
   * decoded and checked with {@link PathSegments#decode(String)}.
   */
  public Optional<Map<String, String>> match(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return Optional.empty();
    }
    if (segments.isEmpty()) {
      return rawPath.equals("/") ? Optional.of(Map.of()) : Optional.empty();
    }
    String[] parts = rawPath.substring(1).split("/", -1);
    if (parts.length != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      if (variableAt.get(i)) {
        if (parts[i].isEmpty()) {
          return Optional.empty();
        }
        values.put(segments.get(i), parts[i]);
      } else if (!segments.get(i).equals(parts[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(values);
  }

  @Override
  public String toString() {
    return text;
  }
}
