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
 * {@code /}; literals match exactly (case-sensitive, no trailing slash). A template ending in
 * {@code /**} is a prefix: it also matches any remainder of zero or more segments, returned under
 * {@link #REMAINDER} (for example {@code /api/files/**} matches {@code /api/files} and {@code
 * /api/files/a/b}).
 */
public final class PathTemplate {
  // A path without values matches on every request of most routes: one shared answer.
  private static final Optional<Map<String, String>> NO_VALUES = Optional.of(Map.of());
  private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");
  // RFC 3986 pchar without '%': literals are compared with the raw request path.
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@-]+");

  /** The key of a prefix template's remainder in {@link #match}: raw, without a leading slash. */
  public static final String REMAINDER = "**";

  private final String text;
  private final boolean prefix;
  private final List<String> segments;
  private final List<Boolean> variableAt;
  private final List<String> variables;
  // No variables and no remainder: a path matches when it spells the template exactly.
  private final boolean literal;

  private PathTemplate(
      String text, boolean prefix, List<String> segments, List<Boolean> variableAt) {
    this.text = text;
    this.prefix = prefix;
    this.segments = List.copyOf(segments);
    this.variableAt = List.copyOf(variableAt);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      if (variableAt.get(i)) {
        names.add(segments.get(i));
      }
    }
    this.variables = List.copyOf(names);
    this.literal = !prefix && names.isEmpty();
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
    boolean prefix = text.endsWith("/**");
    String fixed = prefix ? text.substring(0, text.length() - 3) : text;
    if (!fixed.isEmpty() && !fixed.equals("/")) {
      for (String segment : fixed.substring(1).split("/", -1)) {
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
    return new PathTemplate(text, prefix, segments, variableAt);
  }

  /** Whether the template ends in {@code /**} and so matches any remainder. */
  public boolean isPrefix() {
    return prefix;
  }

  /** How many literal segments the template has: more literals make a more specific route. */
  public int literalCount() {
    return (int) variableAt.stream().filter(variable -> !variable).count();
  }

  /** How many fixed segments (literals and variables) the template has. */
  public int segmentCount() {
    return segments.size();
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
    if (literal) {
      return rawPath.equals(text) ? NO_VALUES : Optional.empty();
    }
    // Walks the path in place: every route is tried on every request until one matches, so a
    // path that does not match allocates nothing.
    String remainder = null;
    int end = rawPath.length();
    if (prefix) {
      end = segmentsEnd(rawPath);
      if (end < 0) {
        return Optional.empty();
      }
      remainder = end == rawPath.length() ? "" : rawPath.substring(end + 1);
    }
    if (segments.isEmpty()) {
      // The fixed part must be "/" (or, before a prefix's remainder, nothing).
      return end <= 1 ? values(remainder, null) : Optional.empty();
    }
    String[] variableValues = null;
    int start = 1;
    for (int i = 0; i < segments.size(); i++) {
      boolean last = i == segments.size() - 1;
      int slash = rawPath.indexOf('/', start);
      int segmentEnd = last ? end : slash;
      if (last ? slash >= 0 && slash < end : slash < 0 || slash >= end) {
        return Optional.empty();
      }
      String segment = segments.get(i);
      if (variableAt.get(i)) {
        if (segmentEnd == start) {
          return Optional.empty();
        }
        if (variableValues == null) {
          variableValues = new String[segments.size()];
        }
        variableValues[i] = rawPath.substring(start, segmentEnd);
      } else if (segmentEnd - start != segment.length()
          || !rawPath.regionMatches(start, segment, 0, segment.length())) {
        return Optional.empty();
      }
      start = segmentEnd + 1;
    }
    return values(remainder, variableValues);
  }

  /** The remainder (first, when there is one) and the variables' values in path order. */
  private Optional<Map<String, String>> values(String remainder, String[] variableValues) {
    if (remainder == null && variableValues == null) {
      return NO_VALUES;
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (remainder != null) {
      values.put(REMAINDER, remainder);
    }
    if (variableValues != null) {
      for (int i = 0; i < variableValues.length; i++) {
        if (variableValues[i] != null) {
          values.put(segments.get(i), variableValues[i]);
        }
      }
    }
    return Optional.of(values);
  }

  /**
   * Where the template's fixed segments end in {@code rawPath} (the index of the slash before the
   * remainder, or its length), or -1 when the path has fewer segments.
   */
  private int segmentsEnd(String rawPath) {
    int end = 0;
    for (int i = 0; i < segments.size(); i++) {
      if (end >= rawPath.length() || rawPath.charAt(end) != '/') {
        return -1;
      }
      int next = rawPath.indexOf('/', end + 1);
      end = next < 0 ? rawPath.length() : next;
    }
    return end;
  }

  @Override
  public String toString() {
    return text;
  }
}
